/* test-gui-metadata.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Metadata page: the store's values, every entity's version hash
 * against each version of the bundle, and the banner when the store does
 * not match the bundle's current version.
 */

#include "config.h"

#include <string.h>

#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"
#include "godwit-value.h"
#include "gui-test-utils.h"

static GodwitMetadataPage *
metadata_page (GodwitWindow *window)
{
  GodwitStoreView *view = godwit_window_get_store_view (window);

  g_assert_cmpstr (godwit_store_view_get_visible_page (view), ==, "metadata");

  return godwit_store_view_get_metadata_page (view);
}

/* An empty store written for version @version_name of the demo bundle. */
static void
write_garden_store (GodwitTestStore *test_store,
                    const char      *version_name)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitStoreWriter) writer = NULL;

  godwit_test_store_init (test_store, "Garden.sqlite");
  writer = godwit_test_store_begin (test_store, godwit_test_find_version (bundle, version_name), FALSE);
  godwit_test_writer_commit (writer);
}

static const char *
expected_tooltip (GHashTable  *store_hashes,
                  GodwitModel *version,
                  const char  *entity_name)
{
  GBytes *store_hash = g_hash_table_lookup (store_hashes, entity_name);
  GodwitEntity *entity = godwit_model_get_entity (version, entity_name);
  g_autofree char *store_hex = NULL;
  g_autofree char *version_hex = NULL;

  if (entity == NULL)
    return store_hash != NULL ? "Not in this version" : "Neither in this version nor in the store";
  if (store_hash == NULL)
    return "Only in this version, not in the store";

  store_hex = godwit_hex_encode (g_bytes_get_data (store_hash, NULL), g_bytes_get_size (store_hash));
  version_hex = godwit_entity_dup_version_hash_hex (entity);

  return g_str_equal (store_hex, version_hex) ? "Same version hash" : "Different version hash";
}

/* Each entity (a row) against each version (a column) says in its
 * tooltip what the core's hashes say. */
static void
assert_hash_grid (GodwitMetadataPage *page,
                  GodwitDocument     *document)
{
  GtkGrid *grid = godwit_metadata_page_get_hash_grid (page);
  GodwitModelBundle *bundle = godwit_document_get_bundle (document);
  GHashTable *store_hashes = godwit_store_get_version_hashes (godwit_document_get_store (document));
  guint n_versions = godwit_model_bundle_get_n_versions (bundle);
  guint n_rows = 0;

  for (guint j = 0; j < n_versions; j++)
    {
      GodwitModel *version = godwit_model_bundle_get_version (bundle, j);
      GtkWidget *header = gtk_grid_get_child_at (grid, 2 + j, 0);

      g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (header)),
                                       godwit_model_get_version_name (version)));
    }

  for (int row = 1; gtk_grid_get_child_at (grid, 0, row) != NULL; row++)
    {
      const char *entity_name = gtk_label_get_label (GTK_LABEL (gtk_grid_get_child_at (grid, 0, row)));
      GBytes *store_hash = g_hash_table_lookup (store_hashes, entity_name);
      GtkWidget *hash_label = gtk_grid_get_child_at (grid, 1, row);

      if (store_hash != NULL)
        {
          g_autofree char *hex = godwit_hex_encode (g_bytes_get_data (store_hash, NULL),
                                                    g_bytes_get_size (store_hash));

          g_assert_cmpstr (gtk_widget_get_tooltip_text (hash_label), ==, hex);
        }

      for (guint j = 0; j < n_versions; j++)
        g_assert_cmpstr (gtk_widget_get_tooltip_text (gtk_grid_get_child_at (grid, 2 + j, row)), ==,
                         expected_tooltip (store_hashes, godwit_model_bundle_get_version (bundle, j), entity_name));
      n_rows++;
    }

  /* Bed, Gardener, Note (Garden 3 only), Plant, Tree */
  g_assert_cmpuint (n_rows, ==, 5);
}

static void
test_demo_needs_migration (void)
{
  g_autofree char *store_path = godwit_gui_test_demo_store ();
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  g_autofree char *canonical_path = g_canonicalize_filename (store_path, NULL);
  GodwitWindow *window = godwit_gui_test_open (store_path, bundle_path);
  GodwitDocument *document = godwit_window_get_document (window);
  GodwitStore *store = godwit_document_get_store (document);
  GodwitMetadataPage *page = metadata_page (window);

  g_assert_cmpstr (godwit_metadata_page_get_banner_text (page), ==,
                   "This store needs migration: version “Garden 2” to “Garden 3”, 1 step");

  g_assert_cmpstr (godwit_metadata_page_get_value_text (page, "File"), ==, canonical_path);
  g_assert_cmpstr (godwit_metadata_page_get_value_text (page, "UUID"), ==, godwit_store_get_uuid (store));
  g_assert_cmpstr (godwit_metadata_page_get_value_text (page, "Framework version"), ==, "1345");
  g_assert_cmpstr (godwit_metadata_page_get_value_text (page, "Version identifiers"), ==, "“2”");
  g_assert_cmpstr (godwit_metadata_page_get_value_text (page, "Matching version"), ==, "Version “Garden 2”");
  g_assert_cmpstr (godwit_metadata_page_get_value_text (page, "NSStoreType"), ==, "\"SQLite\"");
  assert_hash_grid (page, document);

  godwit_gui_test_close (window);
}

/* Steps are counted in the bundle's version order. */
static void
test_two_steps (void)
{
  GodwitTestStore test_store = { NULL };
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  GodwitWindow *window;

  write_garden_store (&test_store, "Garden");
  window = godwit_gui_test_open (test_store.path, bundle_path);

  g_assert_cmpstr (godwit_metadata_page_get_banner_text (metadata_page (window)), ==,
                   "This store needs migration: version “Garden” to “Garden 3”, 2 steps");
  assert_hash_grid (metadata_page (window), godwit_window_get_document (window));

  godwit_gui_test_close (window);
  godwit_test_store_clear (&test_store);
}

static void
test_current (void)
{
  GodwitTestStore test_store = { NULL };
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  GodwitWindow *window;
  GodwitMetadataPage *page;

  write_garden_store (&test_store, "Garden 3");
  window = godwit_gui_test_open (test_store.path, bundle_path);
  page = metadata_page (window);

  g_assert_null (godwit_metadata_page_get_banner_text (page));
  g_assert_cmpstr (godwit_metadata_page_get_value_text (page, "Matching version"), ==, "Version “Garden 3”");
  g_assert_cmpstr (godwit_window_get_subtitle (window), ==, "“Garden 3” of Garden.xcdatamodeld");

  godwit_gui_test_close (window);
  godwit_test_store_clear (&test_store);
}

/* A store of another app: no version matches. */
static void
test_no_version (void)
{
  GodwitTestStore test_store = { NULL };
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  g_autoptr(GodwitModel) model = godwit_model_new ("Other", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  GodwitWindow *window;
  const char *banner;

  godwit_test_add_attribute (godwit_test_add_entity (model, "Bed", NULL), "colour", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (model);
  godwit_test_store_init (&test_store, "Other.sqlite");
  writer = godwit_test_store_begin (&test_store, model, FALSE);
  godwit_test_writer_commit (writer);

  window = godwit_gui_test_open (test_store.path, bundle_path);
  banner = godwit_metadata_page_get_banner_text (metadata_page (window));
  g_assert_nonnull (banner);
  g_assert_true (g_str_has_prefix (banner, "This store matches no version of Garden.xcdatamodeld"));
  g_assert_cmpstr (godwit_window_get_subtitle (window), ==,
                   "No model: tables only (Garden.xcdatamodeld matches no version)");

  godwit_gui_test_close (window);
  godwit_test_store_clear (&test_store);
}

int
main (int   argc,
      char *argv[])
{
  godwit_gui_test_init (&argc, &argv);

  g_test_add_func ("/gui/metadata/demo-needs-migration", test_demo_needs_migration);
  g_test_add_func ("/gui/metadata/two-steps", test_two_steps);
  g_test_add_func ("/gui/metadata/current", test_current);
  g_test_add_func ("/gui/metadata/no-version", test_no_version);

  return g_test_run ();
}
