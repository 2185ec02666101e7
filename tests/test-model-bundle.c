/* test-model-bundle.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "godwit-error.h"
#include "godwit-model-bundle.h"
#include "godwit-plist.h"
#include "godwit-test-archive.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"


static const char minimal_contents[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
  "<model userDefinedModelVersionIdentifier=\"\">\n"
  "  <entity name=\"Note\">\n"
  "    <attribute name=\"text\" optional=\"YES\" attributeType=\"String\"/>\n"
  "  </entity>\n"
  "</model>\n";

static char *
make_folder (const char *parent,
             const char *name)
{
  char *path = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);

  return path;
}

/* Adds NAME.xcdatamodel/contents to @bundle. */
static void
add_version (const char *bundle,
             const char *name,
             const char *contents)
{
  g_autofree char *folder_name = g_strconcat (name, ".xcdatamodel", NULL);
  g_autofree char *folder = make_folder (bundle, folder_name);
  g_autofree char *path = g_build_filename (folder, "contents", NULL);

  godwit_test_write_file (path, contents, -1);
}

static void
write_current_version (const char *bundle,
                       const char *name)
{
  g_autofree char *path = g_build_filename (bundle, ".xccurrentversion", NULL);
  g_autofree char *text = NULL;

  text = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                          "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                          "<plist version=\"1.0\">\n<dict>\n"
                          "\t<key>_XCCurrentVersionName</key>\n"
                          "\t<string>%s.xcdatamodel</string>\n"
                          "</dict>\n</plist>\n", name);
  godwit_test_write_file (path, text, -1);
}

static void
assert_versions (GodwitModelBundle  *bundle,
                 const char * const *expected,
                 const char         *current)
{
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (godwit_model_bundle_get_n_versions (bundle), ==, n);
  for (guint i = 0; i < n; i++)
    {
      GodwitModel *model = godwit_model_bundle_get_version (bundle, i);

      g_assert_nonnull (model);
      g_assert_cmpstr (godwit_model_get_version_name (model), ==, expected[i]);
      g_assert_true (godwit_model_bundle_find_version (bundle, expected[i]) == model);
      g_assert_true (godwit_model_is_resolved (model));
    }
  g_assert_null (godwit_model_bundle_get_version (bundle, n));
  g_assert_cmpstr (godwit_model_get_version_name (godwit_model_bundle_get_current_version (bundle)),
                   ==, current);
}

static void
assert_load_fails (const char  *path,
                   GodwitError  code,
                   const char  *mention)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;

  bundle = godwit_model_bundle_new_for_path (path, &error);
  g_assert_null (bundle);
  g_assert_error (error, GODWIT_ERROR, code);
  if (strstr (error->message, mention) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, mention);
}

/* Every version's entity hashes, digest and checksum must be what the
 * reference implementation computes from the same files. */
static void
assert_matches_oracle (GodwitModelBundle *bundle)
{
  const char *path = godwit_model_bundle_get_path (bundle);
  g_autoptr(JsonNode) expected = godwit_test_oracle ("hashes", path);
  JsonObject *root;

  if (expected == NULL)
    return;

  root = json_node_get_object (expected);
  g_assert_cmpuint (json_object_get_size (root), ==, godwit_model_bundle_get_n_versions (bundle));

  for (guint i = 0; i < godwit_model_bundle_get_n_versions (bundle); i++)
    {
      GodwitModel *model = godwit_model_bundle_get_version (bundle, i);
      JsonObject *version = godwit_test_object_member (root, godwit_model_get_version_name (model));
      JsonObject *hashes = godwit_test_object_member (version, "entities");
      GPtrArray *entities = godwit_model_get_entities (model);
      g_autofree char *digest = godwit_model_dup_version_hashes_digest (model);
      g_autofree char *checksum = godwit_model_dup_version_checksum (model);

      g_assert_cmpuint (json_object_get_size (hashes), ==, entities->len);
      for (guint j = 0; j < entities->len; j++)
        {
          GodwitEntity *entity = g_ptr_array_index (entities, j);
          g_autofree char *hex = godwit_entity_dup_version_hash_hex (entity);

          g_assert_true (json_object_has_member (hashes, entity->name));
          g_assert_cmpstr (hex, ==, json_object_get_string_member (hashes, entity->name));
        }
      g_assert_cmpstr (digest, ==, json_object_get_string_member (version, "digest"));
      g_assert_cmpstr (checksum, ==, json_object_get_string_member (version, "checksum"));
    }
}

static void
test_wibosco (void)
{
  g_autofree char *path = godwit_test_fixture_path (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;

  bundle = godwit_model_bundle_new_for_path (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (godwit_model_bundle_get_path (bundle), ==, path);
  g_assert_cmpint (godwit_model_bundle_get_kind (bundle), ==,
                   GODWIT_MODEL_BUNDLE_KIND_XCDATAMODELD);
  g_assert_cmpstr (godwit_model_bundle_get_kind_name (bundle), ==, "xcdatamodeld");
  assert_versions (bundle, godwit_test_wibosco_versions, "CoreDataMigration_Example 4");
  g_assert_true (godwit_model_bundle_get_current_version (bundle) ==
                 godwit_model_bundle_get_version (bundle, 3));
  g_assert_null (godwit_model_bundle_find_version (bundle, "CoreDataMigration_Example 5"));
  g_assert_null (godwit_model_bundle_get_declared_version_hashes (bundle,
                                                                  "CoreDataMigration_Example"));

  for (guint i = 0; i < godwit_model_bundle_get_n_versions (bundle); i++)
    {
      GodwitModel *model = godwit_model_bundle_get_version (bundle, i);

      g_assert_cmpint (godwit_model_get_source (model), ==, GODWIT_MODEL_SOURCE_XML);
      g_assert_true (g_str_has_prefix (godwit_model_get_path (model), path));
      g_assert_true (g_str_has_suffix (godwit_model_get_path (model), ".xcdatamodel/contents"));
    }

  assert_matches_oracle (bundle);
}

static void
test_bergier (void)
{
  g_autofree char *path = godwit_test_fixture_path (GODWIT_TEST_BERGIER_BUNDLE);
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *with_slash = NULL;

  if (path == NULL)
    return;

  bundle = godwit_model_bundle_new_for_path (path, &error);
  g_assert_no_error (error);
  assert_versions (bundle, godwit_test_bergier_versions, "v2.0.0");
  assert_matches_oracle (bundle);
  g_clear_object (&bundle);

  /* A trailing slash names the same bundle */
  with_slash = g_strconcat (path, "/", NULL);
  bundle = godwit_model_bundle_new_for_path (with_slash, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (godwit_model_bundle_get_path (bundle), ==, path);
  assert_versions (bundle, godwit_test_bergier_versions, "v2.0.0");
}

static void
test_no_current_version (void)
{
  g_autofree char *path = godwit_test_fixture_path (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *copy = NULL;

  if (path == NULL)
    return;

  tmpdir = godwit_test_make_tmpdir ();
  copy = make_folder (tmpdir, "CoreDataMigration_Example.xcdatamodeld");
  for (guint i = 0; godwit_test_wibosco_versions[i] != NULL; i++)
    {
      g_autofree char *folder_name = g_strconcat (godwit_test_wibosco_versions[i], ".xcdatamodel", NULL);
      g_autofree char *from = g_build_filename (path, folder_name, "contents", NULL);
      g_autofree char *folder = make_folder (copy, folder_name);
      g_autofree char *to = g_build_filename (folder, "contents", NULL);

      godwit_test_copy_file (from, to);
    }

  bundle = godwit_model_bundle_new_for_path (copy, &error);
  g_assert_no_error (error);
  assert_versions (bundle, godwit_test_wibosco_versions, "CoreDataMigration_Example 4");
  assert_matches_oracle (bundle);

  godwit_test_rmdir (tmpdir);
}

static void
test_numeric_order (void)
{
  static const char * const numeric[] = { "Model", "Model 2", "Model 3", "Model 10", NULL };
  static const char * const current_2[] = { "Model", "Model 3", "Model 10", "Model 2", NULL };
  static const char * const dotted[] = {
    "v1.1.2", "v1.2.0", "v1.9.9", "v1.10.0", "v01.10.1", NULL
  };
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *bundle_path = make_folder (tmpdir, "Model.xcdatamodeld");
  g_autofree char *dotted_path = make_folder (tmpdir, "Dotted.xcdatamodeld");
  g_autofree char *apple_double = g_build_filename (bundle_path, "._Model 2.xcdatamodel", NULL);
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; numeric[i] != NULL; i++)
    add_version (bundle_path, numeric[i], minimal_contents);
  /* macOS metadata beside a copied version is not a version */
  godwit_test_write_file (apple_double, "\0\5\26\7", 4);

  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_assert_no_error (error);
  assert_versions (bundle, numeric, "Model 10");
  g_clear_object (&bundle);

  /* The current version ends last even when it is not the newest name */
  write_current_version (bundle_path, "Model 2");
  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_assert_no_error (error);
  assert_versions (bundle, current_2, "Model 2");
  g_clear_object (&bundle);

  write_current_version (bundle_path, "Model 7");
  assert_load_fails (bundle_path, GODWIT_ERROR_UNKNOWN_VERSION, "“Model 7”");

  for (guint i = 0; dotted[i] != NULL; i++)
    add_version (dotted_path, dotted[i], minimal_contents);
  bundle = godwit_model_bundle_new_for_path (dotted_path, &error);
  g_assert_no_error (error);
  assert_versions (bundle, dotted, "v01.10.1");

  godwit_test_rmdir (tmpdir);
}

static void
test_set_version_order (void)
{
  static const char * const versions[] = { "Model", "Model 2", "Model 10", NULL };
  static const char * const reversed[] = { "Model 10", "Model 2", "Model", NULL };
  static const char * const unknown[] = { "Model 10", "Model 3", "Model", NULL };
  static const char * const twice[] = { "Model 10", "Model 2", "Model 2", "Model", NULL };
  static const char * const missing[] = { "Model 10", "Model", NULL };
  static const char * const empty[] = { NULL };
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *bundle_path = make_folder (tmpdir, "Model.xcdatamodeld");
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; versions[i] != NULL; i++)
    add_version (bundle_path, versions[i], minimal_contents);
  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_assert_no_error (error);
  assert_versions (bundle, versions, "Model 10");

  g_assert_true (godwit_model_bundle_set_version_order (bundle, reversed, &error));
  g_assert_no_error (error);
  /* The current version stays the one Xcode marks current */
  assert_versions (bundle, reversed, "Model 10");

  g_assert_false (godwit_model_bundle_set_version_order (bundle, unknown, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_VERSION);
  g_assert_true (g_str_has_prefix (error->message, bundle_path));
  g_assert_nonnull (strstr (error->message, "“Model 3”"));
  g_clear_error (&error);

  g_assert_false (godwit_model_bundle_set_version_order (bundle, twice, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "“Model 2” more than once"));
  g_clear_error (&error);

  g_assert_false (godwit_model_bundle_set_version_order (bundle, missing, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "leaves out version “Model 2”"));
  g_clear_error (&error);

  g_assert_false (godwit_model_bundle_set_version_order (bundle, empty, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_clear_error (&error);

  /* Failures leave the order alone */
  assert_versions (bundle, reversed, "Model 10");

  godwit_test_rmdir (tmpdir);
}

static void
test_lone_xcdatamodel (void)
{
  static const char * const versions[] = { "CoreDataMigration_Example 3", NULL };
  g_autofree char *path =
    godwit_test_fixture_path (GODWIT_TEST_WIBOSCO_BUNDLE "/CoreDataMigration_Example 3.xcdatamodel");
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;

  bundle = godwit_model_bundle_new_for_path (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (godwit_model_bundle_get_kind (bundle), ==, GODWIT_MODEL_BUNDLE_KIND_XCDATAMODEL);
  g_assert_cmpstr (godwit_model_bundle_get_kind_name (bundle), ==, "xcdatamodel");
  assert_versions (bundle, versions, "CoreDataMigration_Example 3");
  assert_matches_oracle (bundle);
}

static void
test_new_for_model (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = NULL;
  g_autoptr(GodwitModelBundle) source = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  GodwitModel *model;

  add_version (tmpdir, "Cached", minimal_contents);
  path = g_build_filename (tmpdir, "Cached.xcdatamodel", NULL);
  source = godwit_model_bundle_new_for_path (path, &error);
  g_assert_no_error (error);
  model = godwit_model_bundle_get_current_version (source);

  bundle = godwit_model_bundle_new_for_model (model, GODWIT_MODEL_BUNDLE_KIND_STORE_CACHE);
  g_assert_null (godwit_model_bundle_get_path (bundle));
  g_assert_cmpint (godwit_model_bundle_get_kind (bundle), ==, GODWIT_MODEL_BUNDLE_KIND_STORE_CACHE);
  g_assert_cmpstr (godwit_model_bundle_get_kind_name (bundle), ==, "store-cache");
  g_assert_cmpuint (godwit_model_bundle_get_n_versions (bundle), ==, 1);
  g_assert_true (godwit_model_bundle_get_version (bundle, 0) == model);
  g_assert_true (godwit_model_bundle_get_current_version (bundle) == model);
  g_assert_true (godwit_model_bundle_find_version (bundle, "Cached") == model);
  g_assert_null (godwit_model_bundle_get_declared_version_hashes (bundle, "Cached"));

  {
    const char * const unknown[] = { "Other", NULL };

    g_assert_false (godwit_model_bundle_set_version_order (bundle, unknown, &error));
    g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_VERSION);
    g_assert_true (g_str_has_prefix (error->message, "the model bundle: "));
  }

  godwit_test_rmdir (tmpdir);
}

static void
test_legacy (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *bundle_path = make_folder (tmpdir, "Old.xcdatamodeld");
  g_autofree char *version_path = make_folder (bundle_path, "Old.xcdatamodel");
  g_autofree char *elements = g_build_filename (version_path, "elements", NULL);
  g_autofree char *layout = g_build_filename (version_path, "layout", NULL);

  godwit_test_write_file (elements, "bplist00", 8);
  godwit_test_write_file (layout, "bplist00", 8);

  assert_load_fails (bundle_path, GODWIT_ERROR_LEGACY_MODEL_FORMAT,
                     "legacy format: open and save it in a current Xcode");
  assert_load_fails (bundle_path, GODWIT_ERROR_LEGACY_MODEL_FORMAT, version_path);
  assert_load_fails (version_path, GODWIT_ERROR_LEGACY_MODEL_FORMAT,
                     "legacy format: open and save it in a current Xcode");

  godwit_test_rmdir (tmpdir);
}

static void
test_no_versions (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *empty = make_folder (tmpdir, "Empty.xcdatamodeld");
  g_autofree char *empty_momd = make_folder (tmpdir, "Empty.momd");
  g_autofree char *current = g_build_filename (empty, ".xccurrentversion", NULL);
  g_autofree char *omo = g_build_filename (empty_momd, "Empty.omo", NULL);

  /* A current-version file or an .omo alone make no version */
  godwit_test_write_file (current, "", 0);
  godwit_test_write_file (omo, "momv2", 5);

  assert_load_fails (empty, GODWIT_ERROR_NO_VERSIONS, empty);
  assert_load_fails (empty_momd, GODWIT_ERROR_NO_VERSIONS, empty_momd);

  godwit_test_rmdir (tmpdir);
}

static void
test_mix_ups (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (tmpdir, "Missing.xcdatamodeld", NULL);
  g_autofree char *file_bundle = g_build_filename (tmpdir, "File.xcdatamodeld", NULL);
  g_autofree char *file_version = g_build_filename (tmpdir, "File.xcdatamodel", NULL);
  g_autofree char *file_momd = g_build_filename (tmpdir, "File.momd", NULL);
  g_autofree char *folder_mom = make_folder (tmpdir, "Folder.mom");
  g_autofree char *momd = make_folder (tmpdir, "Nested.momd");
  g_autofree char *momd_folder_mom = make_folder (momd, "Inner.mom");
  g_autofree char *bundle = make_folder (tmpdir, "Mixed.xcdatamodeld");
  g_autofree char *bundle_file_version = g_build_filename (bundle, "Flat.xcdatamodel", NULL);
  g_autofree char *folder_contents_bundle = make_folder (tmpdir, "Contents.xcdatamodeld");
  g_autofree char *folder_contents_version = make_folder (folder_contents_bundle, "A.xcdatamodel");
  g_autofree char *folder_contents = make_folder (folder_contents_version, "contents");
  g_autofree char *bare = make_folder (tmpdir, "Bare.xcdatamodel");
  g_autofree char *plain = make_folder (tmpdir, "Plain");
  g_autofree char *text = g_build_filename (tmpdir, "notes.txt", NULL);
  g_autofree char *broken = make_folder (tmpdir, "Broken.xcdatamodeld");
  g_autofree char *broken_contents = NULL;

  godwit_test_write_file (file_bundle, minimal_contents, -1);
  godwit_test_write_file (file_version, minimal_contents, -1);
  godwit_test_write_file (file_momd, "bplist00", 8);
  godwit_test_write_file (bundle_file_version, minimal_contents, -1);
  godwit_test_write_file (text, "hello", 5);

  assert_load_fails (missing, GODWIT_ERROR_IO, missing);
  assert_load_fails (file_bundle, GODWIT_ERROR_WRONG_FILE_TYPE, file_bundle);
  assert_load_fails (file_version, GODWIT_ERROR_WRONG_FILE_TYPE, file_version);
  assert_load_fails (file_momd, GODWIT_ERROR_WRONG_FILE_TYPE, file_momd);
  assert_load_fails (folder_mom, GODWIT_ERROR_WRONG_FILE_TYPE, folder_mom);
  assert_load_fails (momd, GODWIT_ERROR_WRONG_FILE_TYPE, momd_folder_mom);
  assert_load_fails (bundle, GODWIT_ERROR_WRONG_FILE_TYPE, bundle_file_version);
  assert_load_fails (folder_contents_bundle, GODWIT_ERROR_WRONG_FILE_TYPE, folder_contents);
  assert_load_fails (bare, GODWIT_ERROR_INVALID_MODEL, "has no contents file");
  assert_load_fails (plain, GODWIT_ERROR_INVALID_MODEL,
                     "expected an .xcdatamodeld or .xcdatamodel folder, a compiled .momd folder "
                     "or a .mom file");
  assert_load_fails (text, GODWIT_ERROR_INVALID_MODEL, text);

  /* One bad version spoils the bundle: every version's hashes are shown */
  add_version (broken, "Good", minimal_contents);
  add_version (broken, "Bad", "<model><entity name=\"A\" parentEntity=\"A\"/></model>");
  broken_contents = g_build_filename (broken, "Bad.xcdatamodel", "contents", NULL);
  assert_load_fails (broken, GODWIT_ERROR_INVALID_MODEL, broken_contents);

  godwit_test_rmdir (tmpdir);
}

/* A store with the bundle version it was written with. */
typedef struct
{
  const char *store;
  const char *bundle;
  const char *version;
} CompiledCase;

static const CompiledCase compiled_cases[] = {
  { "wibosco-revised/stores/CoreDataMigration_Example_3.sqlite", GODWIT_TEST_WIBOSCO_BUNDLE,
    "CoreDataMigration_Example 3" },
  { "bergier/stores/Example_v1.2.0.sqlite", GODWIT_TEST_BERGIER_BUNDLE, "v1.2.0" },
};

static GBytes *
inflate_raw (GBytes *compressed)
{
  g_autoptr(GZlibDecompressor) decompressor = NULL;
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) converter = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  gconstpointer data = g_bytes_get_data (compressed, &length);

  decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
  converter = g_converter_output_stream_new (memory, G_CONVERTER (decompressor));
  g_output_stream_write_all (converter, data, length, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (converter, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* A compiled bundle made from the model a store caches: .mom = the inflated
 * Z_MODELCACHE, VersionInfo.plist = the store's version hashes. */
static char *
make_momd (const char  *tmpdir,
           const char  *store_path,
           plist_t     *store_hashes)
{
  g_autofree char *momd = make_folder (tmpdir, "Model.momd");
  g_autofree char *mom_path = g_build_filename (momd, "v3.mom", NULL);
  g_autofree char *info_path = g_build_filename (momd, "VersionInfo.plist", NULL);
  g_autoptr(GBytes) cache = NULL;
  g_autoptr(GBytes) mom = NULL;
  g_autoptr(GBytes) info_bytes = NULL;
  g_auto(plist_t) metadata = NULL;
  g_auto(plist_t) info = plist_new_dict ();
  plist_t versions = plist_new_dict ();
  sqlite3 *db = godwit_test_open_read_only (store_path, TRUE);
  gsize length;
  gconstpointer data;

  cache = godwit_test_query_blob (db, "SELECT Z_CONTENT FROM Z_MODELCACHE");
  metadata = godwit_test_read_metadata (db);
  sqlite3_close (db);
  g_assert_nonnull (cache);

  mom = inflate_raw (cache);
  data = g_bytes_get_data (mom, &length);
  g_assert_cmpmem (data, 8, "bplist00", 8);
  godwit_test_write_file (mom_path, data, length);

  *store_hashes = plist_copy (plist_dict_get_item (metadata, "NSStoreModelVersionHashes"));
  g_assert_nonnull (*store_hashes);

  plist_dict_set_item (versions, "v3", plist_copy (*store_hashes));
  plist_dict_set_item (info, "NSManagedObjectModel_VersionHashes", versions);
  plist_dict_set_item (info, "NSManagedObjectModel_CurrentVersionName", plist_new_string ("v3"));
  info_bytes = godwit_test_plist_to_bytes (info, GODWIT_TEST_PLIST_BINARY);
  data = g_bytes_get_data (info_bytes, &length);
  godwit_test_write_file (info_path, data, length);

  return g_steal_pointer (&momd);
}

static void
assert_same_hashes (GodwitModel *model,
                    GodwitModel *expected,
                    plist_t      store_hashes,
                    GHashTable  *declared)
{
  GPtrArray *entities = godwit_model_get_entities (model);
  g_autofree char *digest = godwit_model_dup_version_hashes_digest (model);
  g_autofree char *checksum = godwit_model_dup_version_checksum (model);
  g_autofree char *expected_digest = godwit_model_dup_version_hashes_digest (expected);
  g_autofree char *expected_checksum = godwit_model_dup_version_checksum (expected);

  g_assert_cmpuint (entities->len, ==, godwit_model_get_entities (expected)->len);
  g_assert_cmpuint (entities->len, ==, plist_dict_get_size (store_hashes));
  g_assert_cmpuint (entities->len, ==, g_hash_table_size (declared));

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      GodwitEntity *xml_entity = godwit_model_get_entity (expected, entity->name);
      plist_t stored = plist_dict_get_item (store_hashes, entity->name);
      GBytes *declared_hash = g_hash_table_lookup (declared, entity->name);
      const char *stored_data;
      uint64_t stored_length = 0;
      gsize declared_length = 0;
      gconstpointer declared_data;

      g_assert_nonnull (xml_entity);
      g_assert_nonnull (stored);
      g_assert_nonnull (declared_hash);
      stored_data = plist_get_data_ptr (stored, &stored_length);
      declared_data = g_bytes_get_data (declared_hash, &declared_length);

      g_assert_cmpmem (entity->version_hash, GODWIT_VERSION_HASH_LENGTH,
                       xml_entity->version_hash, GODWIT_VERSION_HASH_LENGTH);
      g_assert_cmpmem (entity->version_hash, GODWIT_VERSION_HASH_LENGTH,
                       stored_data, stored_length);
      g_assert_cmpmem (entity->version_hash, GODWIT_VERSION_HASH_LENGTH,
                       declared_data, declared_length);
    }

  g_assert_cmpstr (digest, ==, expected_digest);
  g_assert_cmpstr (checksum, ==, expected_checksum);
}

static void
test_compiled (gconstpointer data)
{
  static const char * const versions[] = { "v3", NULL };
  const CompiledCase *c = data;
  g_autofree char *store_path = godwit_test_fixture_path (c->store);
  g_autofree char *bundle_path = godwit_test_fixture_path (c->bundle);
  g_autofree char *tmpdir = NULL;
  g_autofree char *momd = NULL;
  g_autofree char *mom_path = NULL;
  g_autofree char *info_path = NULL;
  g_autoptr(GodwitModelBundle) xml_bundle = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitModelBundle) lone = NULL;
  g_autoptr(GError) error = NULL;
  plist_t store_hashes = NULL;
  GodwitModel *xml_model;
  GodwitModel *model;
  GHashTable *declared;

  if (store_path == NULL || bundle_path == NULL)
    return;

  xml_bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_assert_no_error (error);
  xml_model = godwit_model_bundle_find_version (xml_bundle, c->version);
  g_assert_nonnull (xml_model);

  tmpdir = godwit_test_make_tmpdir ();
  momd = make_momd (tmpdir, store_path, &store_hashes);
  mom_path = g_build_filename (momd, "v3.mom", NULL);

  bundle = godwit_model_bundle_new_for_path (momd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (godwit_model_bundle_get_kind (bundle), ==, GODWIT_MODEL_BUNDLE_KIND_MOMD);
  g_assert_cmpstr (godwit_model_bundle_get_kind_name (bundle), ==, "momd");
  assert_versions (bundle, versions, "v3");
  model = godwit_model_bundle_get_version (bundle, 0);
  g_assert_cmpint (godwit_model_get_source (model), ==, GODWIT_MODEL_SOURCE_COMPILED);
  g_assert_cmpstr (godwit_model_get_path (model), ==, mom_path);
  g_assert_null (godwit_model_bundle_get_declared_version_hashes (bundle, "v2"));
  declared = godwit_model_bundle_get_declared_version_hashes (bundle, "v3");
  g_assert_nonnull (declared);
  /* The XML, the compiled model and the store's own record agree */
  assert_same_hashes (model, xml_model, store_hashes, declared);

  /* The same .mom on its own */
  lone = godwit_model_bundle_new_for_path (mom_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (godwit_model_bundle_get_kind (lone), ==, GODWIT_MODEL_BUNDLE_KIND_MOM);
  g_assert_cmpstr (godwit_model_bundle_get_kind_name (lone), ==, "mom");
  assert_versions (lone, versions, "v3");
  g_assert_null (godwit_model_bundle_get_declared_version_hashes (lone, "v3"));
  assert_same_hashes (godwit_model_bundle_get_version (lone, 0), xml_model, store_hashes, declared);
  g_clear_object (&lone);

  /* Without VersionInfo.plist the last version is current */
  info_path = g_build_filename (momd, "VersionInfo.plist", NULL);
  g_assert_cmpint (g_unlink (info_path), ==, 0);
  g_clear_object (&bundle);
  bundle = godwit_model_bundle_new_for_path (momd, &error);
  g_assert_no_error (error);
  assert_versions (bundle, versions, "v3");
  g_assert_null (godwit_model_bundle_get_declared_version_hashes (bundle, "v3"));

  /* A damaged VersionInfo.plist is an error, not a guess */
  godwit_test_write_file (info_path, "bplist00garbage", 15);
  g_clear_object (&bundle);
  bundle = godwit_model_bundle_new_for_path (momd, &error);
  g_assert_null (bundle);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST);
  g_assert_nonnull (strstr (error->message, info_path));

  plist_free (store_hashes);
  godwit_test_rmdir (tmpdir);
}

static void
assert_found_for_store (const char *store_path,
                        const char *expected_bundle)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;

  bundle = godwit_model_bundle_find_for_store (store_path, &error);
  g_assert_no_error (error);
  if (expected_bundle == NULL)
    {
      g_assert_null (bundle);
      return;
    }

  g_assert_nonnull (bundle);
  g_assert_cmpstr (godwit_model_bundle_get_path (bundle), ==, expected_bundle);
}

/* The bundle beside a store: alone in the store's folder, else alone in
 * its parent; two in a folder are ambiguous. The store file itself need
 * not exist. */
static void
test_find_for_store (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *project = g_build_filename (tmpdir, "project", NULL);
  g_autofree char *fixtures = g_build_filename (project, "fixtures", NULL);
  g_autofree char *store = g_build_filename (fixtures, "Store.sqlite", NULL);
  g_autofree char *garden = make_folder (project, "Garden.xcdatamodeld");
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *other = NULL;
  g_autofree char *third = NULL;

  add_version (garden, "Garden", minimal_contents);
  g_assert_cmpint (g_mkdir_with_parents (fixtures, 0755), ==, 0);

  assert_found_for_store (store, garden);
  /* A file, or a hidden folder, with a bundle's name is no bundle. */
  {
    g_autofree char *file = g_build_filename (fixtures, "File.xcdatamodeld", NULL);
    g_autofree char *hidden = make_folder (fixtures, ".Hidden.xcdatamodeld");

    godwit_test_write_file (file, "not a folder", -1);
    add_version (hidden, "Hidden", minimal_contents);
    assert_found_for_store (store, garden);
  }

  /* A relative store path has a parent too. */
  {
    g_autoptr(GodwitModelBundle) bundle = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;

    g_assert_cmpint (g_chdir (fixtures), ==, 0);
    bundle = godwit_model_bundle_find_for_store ("Store.sqlite", &error);
    g_assert_cmpint (g_chdir (cwd), ==, 0);
    g_assert_no_error (error);
    g_assert_nonnull (bundle);
    name = g_path_get_basename (godwit_model_bundle_get_path (bundle));
    g_assert_cmpstr (name, ==, "Garden.xcdatamodeld");
  }

  /* The store's own folder comes first. */
  other = make_folder (fixtures, "Other.xcdatamodeld");
  add_version (other, "Other", minimal_contents);
  assert_found_for_store (store, other);

  /* Two there: none, and the parent's is not taken instead. */
  third = make_folder (fixtures, "Third.momd");
  assert_found_for_store (store, NULL);

  /* The one bundle beside the store, damaged: an error naming it. */
  g_assert_cmpint (g_rmdir (third), ==, 0);
  g_assert_cmpint (g_rename (other, third), ==, 0);
  {
    g_autoptr(GodwitModelBundle) bundle = NULL;
    g_autoptr(GError) error = NULL;

    bundle = godwit_model_bundle_find_for_store (store, &error);
    g_assert_null (bundle);
    g_assert_nonnull (error);
    g_assert_true (error->domain == GODWIT_ERROR);
    g_assert_nonnull (strstr (error->message, third));
  }

  /* Nothing in the folder or its parent. */
  {
    g_autofree char *lonely = g_build_filename (tmpdir, "a", "b", "Store.sqlite", NULL);
    g_autofree char *lonely_dir = g_path_get_dirname (lonely);

    g_assert_cmpint (g_mkdir_with_parents (lonely_dir, 0755), ==, 0);
    assert_found_for_store (lonely, NULL);
  }

  godwit_test_rmdir (tmpdir);
}

/* The shared stores sit in stores/, their bundle one folder up. */
static void
test_find_for_fixture_store (void)
{
  g_autofree char *store = godwit_test_fixture_path ("bergier/stores/Example_v1.0.0.sqlite");
  g_autofree char *bundle = godwit_test_fixture_path (GODWIT_TEST_BERGIER_BUNDLE);
  g_autofree char *canonical = NULL;

  if (store == NULL || bundle == NULL)
    return;

  /* The fixture path goes through "..". */
  canonical = g_canonicalize_filename (bundle, NULL);
  assert_found_for_store (store, canonical);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-bundle/wibosco", test_wibosco);
  g_test_add_func ("/model-bundle/bergier", test_bergier);
  g_test_add_func ("/model-bundle/no-current-version", test_no_current_version);
  g_test_add_func ("/model-bundle/numeric-order", test_numeric_order);
  g_test_add_func ("/model-bundle/set-version-order", test_set_version_order);
  g_test_add_func ("/model-bundle/lone-xcdatamodel", test_lone_xcdatamodel);
  g_test_add_func ("/model-bundle/new-for-model", test_new_for_model);
  g_test_add_func ("/model-bundle/legacy", test_legacy);
  g_test_add_func ("/model-bundle/no-versions", test_no_versions);
  g_test_add_func ("/model-bundle/mix-ups", test_mix_ups);
  g_test_add_func ("/model-bundle/find-for-store", test_find_for_store);
  g_test_add_func ("/model-bundle/find-for-fixture-store", test_find_for_fixture_store);
  g_test_add_data_func ("/model-bundle/compiled/wibosco", &compiled_cases[0], test_compiled);
  g_test_add_data_func ("/model-bundle/compiled/bergier", &compiled_cases[1], test_compiled);

  return g_test_run ();
}
