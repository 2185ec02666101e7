/* test-gui-migrations.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Migrations page on stores the writer made: the version chain (its
 * nodes, edges, kinds, accessible names and keyboard), the stage preview
 * against the engine's reports, the plan found beside the bundle, a dry
 * run, a migration with its toast, backup and undo, cancelling one and a
 * failing one, each leaving the store as it was; the chain of a real
 * bundle (the shared wibosco fixture); and screenshots.
 */

#include "config.h"

#include <string.h>

#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"
#include "gui-test-utils.h"

typedef GodwitGuiTestFixture Fixture;

#define WIBOSCO_STORE   "wibosco-revised/stores/CoreDataMigration_Example_1.sqlite"
#define WIBOSCO_MAPPING "wibosco-revised/Migration2to3ModelMapping.xcmappingmodel"

static char *garden_plan;   /* tests/plans/garden.godwit-plan.json */

static gboolean
page_is_idle (gpointer data)
{
  return !godwit_migrations_page_get_busy (data);
}

static void
wait_page (GodwitMigrationsPage *page)
{
  godwit_gui_test_wait_until (page_is_idle, page, "the Migrations page to plan");
}

/* The window on the store with the Migrations page shown and planned. */
static GodwitMigrationsPage *
show_page (GodwitWindow *window)
{
  GodwitMigrationsPage *page = godwit_store_view_get_migrations_page (godwit_window_get_store_view (window));

  godwit_gui_test_show_page (window, "migrations");
  wait_page (page);

  return page;
}

static void
choose_plan (GodwitMigrationsPage *page,
             const char           *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  godwit_migrations_page_set_plan_file (page, file);
  g_assert_true (godwit_migrations_page_get_busy (page));
  wait_page (page);
  g_assert_cmpstr (godwit_migrations_page_get_plan_path (page), ==, path);
  g_assert_null (godwit_migrations_page_get_problem (page));
}

/* A window on the fixture's store with the Migrations page shown and
 * planned with @plan. */
static GodwitMigrationsPage *
open_planned (Fixture       *fixture,
              const char    *plan,
              GodwitWindow **window)
{
  GodwitMigrationsPage *page;

  *window = godwit_gui_test_open (fixture->store, fixture->bundle);
  page = show_page (*window);
  choose_plan (page, plan);

  return page;
}

/* The fixture's folder is as @before, a snapshot of it, says. */
static void
assert_dir_unchanged (Fixture    *fixture,
                      const char *before)
{
  g_autofree char *after = godwit_test_snapshot_directory (fixture->dir);

  g_assert_cmpstr (after, ==, before);
}

static void
assert_accessible_label (GtkWidget  *widget,
                         const char *expected)
{
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
}

static char *
dup_count_text (gint64 count)
{
  return count < 0 ? g_strdup ("–") : g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

/* The preview shows the report it was given: its counts, cell by cell,
 * and its SQL, statement by statement. */
static void
assert_preview_shows_report (GodwitStagePreview *preview,
                             GodwitStageReport  *report)
{
  GPtrArray *counts = godwit_stage_report_get_counts (report);
  GPtrArray *sql = godwit_stage_report_get_sql (report);
  GtkGrid *grid = godwit_stage_preview_get_count_grid (preview);
  g_autoptr(GString) expected_sql = g_string_new (NULL);
  g_autofree char *shown_sql = godwit_stage_preview_dup_sql (preview);

  g_assert_true (godwit_stage_preview_get_report (preview) == report);
  g_assert_cmpuint (counts->len, >, 0);
  g_assert_cmpstr (godwit_gui_test_grid_text (grid, 0, 0), ==, "Entity");

  for (guint i = 0; i < counts->len; i++)
    {
      const GodwitEntityCount *count = g_ptr_array_index (counts, i);
      g_autofree char *before = dup_count_text (count->before);
      g_autofree char *predicted = dup_count_text (count->predicted);
      g_autofree char *after = dup_count_text (count->after);

      g_assert_true (strstr (godwit_gui_test_grid_text (grid, 0, i + 1),
                             count->destination_entity != NULL ? count->destination_entity
                                                               : count->source_entity) != NULL);
      g_assert_cmpstr (godwit_gui_test_grid_text (grid, 1, i + 1), ==, before);
      g_assert_cmpstr (godwit_gui_test_grid_text (grid, 2, i + 1), ==, predicted);
      g_assert_cmpstr (godwit_gui_test_grid_text (grid, 3, i + 1), ==, after);
    }
  g_assert_null (gtk_grid_get_child_at (grid, 0, counts->len + 1));

  g_assert_nonnull (sql);
  g_assert_cmpuint (sql->len, >, 0);
  for (guint i = 0; i < sql->len; i++)
    {
      const char *statement = g_ptr_array_index (sql, i);

      g_string_append_printf (expected_sql, "%s%s%s", i > 0 ? "\n\n" : "", statement,
                              g_str_has_suffix (statement, ";") ? "" : ";");
    }
  g_assert_cmpstr (shown_sql, ==, expected_sql->str);
}

/* A store at “Garden” with the garden plan: an inferred step, then the
 * plan's custom stage. */
static void
test_chain (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *before = NULL;
  GodwitMigrationsPage *page;
  GodwitChainView *chain;
  GodwitStagePreview *preview;
  GodwitMigration *migration;
  GodwitWindow *window;
  GPtrArray *reports;

  godwit_gui_test_write_garden (fixture->store, "Garden", FALSE);
  before = godwit_test_snapshot_directory (fixture->dir);

  page = open_planned (fixture, garden_plan, &window);
  chain = godwit_migrations_page_get_chain_view (page);
  preview = godwit_migrations_page_get_stage_preview (page);
  migration = godwit_migrations_page_get_migration (page);
  g_assert_nonnull (migration);
  reports = godwit_migration_get_stage_reports (migration);

  /* Every version a node, the store's and the target marked. */
  g_assert_cmpuint (godwit_chain_view_get_n_versions (chain), ==, 3);
  g_assert_cmpint (godwit_chain_view_get_store_index (chain), ==, 0);
  g_assert_cmpint (godwit_chain_view_get_target_index (chain), ==, 2);
  assert_accessible_label (godwit_chain_view_get_version_widget (chain, 0), "Version “Garden”: the store’s version");
  assert_accessible_label (godwit_chain_view_get_version_widget (chain, 1), "Version “Garden 2”");
  assert_accessible_label (godwit_chain_view_get_version_widget (chain, 2), "Version “Garden 3”: the target");

  /* Every step an edge of its kind. */
  g_assert_cmpuint (godwit_chain_view_get_n_steps (chain), ==, 2);
  g_assert_cmpint (godwit_chain_view_get_step_kind (chain, 0), ==, GODWIT_MIGRATION_STEP_INFERRED);
  g_assert_cmpint (godwit_chain_view_get_step_kind (chain, 1), ==, GODWIT_MIGRATION_STEP_PLAN);
  assert_accessible_label (godwit_chain_view_get_step_widget (chain, 0),
                           "Step 1 of 2, from “Garden” to “Garden 2”: Inferred");
  assert_accessible_label (godwit_chain_view_get_step_widget (chain, 1),
                           "Step 2 of 2, from “Garden 2” to “Garden 3”: Migration plan");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (godwit_chain_view_get_step_widget (chain, 1)),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Migrated by a custom stage of the migration plan");

  /* The first step is shown: the engine's counts and SQL of it. */
  g_assert_cmpint (godwit_chain_view_get_selected_step (chain), ==, 0);
  g_assert_cmpstr (godwit_stage_preview_get_title (preview), ==, "Step 1 of 2: “Garden” → “Garden 2”");
  assert_preview_shows_report (preview, g_ptr_array_index (reports, 0));
  g_assert_nonnull (strstr (godwit_stage_preview_get_notice (preview), "Not dry-run yet"));

  /* The arrow keys move the selection from edge to edge, Enter shows it. */
  gtk_widget_grab_focus (GTK_WIDGET (chain));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (chain)));
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (chain), GDK_KEY_Right, 0));
  g_assert_cmpint (godwit_chain_view_get_selected_step (chain), ==, 1);
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (godwit_chain_view_get_step_widget (chain, 1)),
                                    GTK_ACCESSIBLE_STATE_SELECTED, TRUE);
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (godwit_chain_view_get_step_widget (chain, 0)),
                                    GTK_ACCESSIBLE_STATE_SELECTED, FALSE);
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (chain), GDK_KEY_Right, 0));
  g_assert_cmpint (godwit_chain_view_get_selected_step (chain), ==, 1);
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (chain), GDK_KEY_Left, 0));
  g_assert_cmpint (godwit_chain_view_get_selected_step (chain), ==, 0);
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (chain), GDK_KEY_End, 0));
  g_assert_cmpint (godwit_chain_view_get_selected_step (chain), ==, 1);
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (chain), GDK_KEY_Home, 0));
  g_assert_cmpint (godwit_chain_view_get_selected_step (chain), ==, 0);
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (chain), GDK_KEY_Right, 0));

  /* Selecting is not showing: the preview changes on Enter. */
  g_assert_true (godwit_stage_preview_get_report (preview) == g_ptr_array_index (reports, 0));
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (chain), GDK_KEY_Return, 0));
  g_assert_cmpstr (godwit_stage_preview_get_title (preview), ==, "Step 2 of 2: “Garden 2” → “Garden 3”");
  g_assert_true (godwit_stage_preview_get_report (preview) == g_ptr_array_index (reports, 1));
  g_assert_nonnull (strstr (godwit_stage_preview_get_notice (preview), "Not dry-run yet"));

  godwit_gui_test_close (window);

  /* Planning only reads. */
  assert_dir_unchanged (fixture, before);
}

/* The chain of the wibosco bundle, in order, the store's version and the
 * target marked on the nodes, in words and in their accessible names. */
static void
assert_wibosco_versions (GodwitChainView *chain)
{
  const char * const *versions = godwit_test_wibosco_versions;
  const char *captions[] = { "Store", NULL, NULL, "Target" };
  const char *marks[] = { ": the store’s version", "", "", ": the target" };

  g_assert_cmpuint (godwit_chain_view_get_n_versions (chain), ==, g_strv_length ((char **) versions));
  g_assert_cmpuint (godwit_chain_view_get_n_versions (chain), ==, G_N_ELEMENTS (captions));
  g_assert_cmpint (godwit_chain_view_get_store_index (chain), ==, 0);
  g_assert_cmpint (godwit_chain_view_get_target_index (chain), ==, 3);

  for (guint i = 0; versions[i] != NULL; i++)
    {
      GtkWidget *node = godwit_chain_view_get_version_widget (chain, i);
      g_autofree char *label = g_strdup_printf ("Version “%s”%s", versions[i], marks[i]);

      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (node)), ==, versions[i]);
      g_assert_cmpstr (godwit_chain_view_get_version_caption (chain, i), ==, captions[i]);
      assert_accessible_label (node, label);
    }
}

/* Step @index's edge: its kind, what its label says and its colour's CSS
 * class, and its accessible name and description. */
static void
assert_wibosco_step (GodwitChainView         *chain,
                     guint                    index,
                     GodwitMigrationStepKind  kind,
                     const char              *kind_label,
                     const char              *css_class,
                     const char              *description)
{
  const char * const *versions = godwit_test_wibosco_versions;
  GtkWidget *edge = godwit_chain_view_get_step_widget (chain, index);
  g_autofree char *label = g_strdup_printf ("Step %u of 3, from “%s” to “%s”: %s", index + 1,
                                            versions[index], versions[index + 1], kind_label);

  g_assert_cmpint (godwit_chain_view_get_step_kind (chain, index), ==, kind);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (edge)), ==, kind_label);
  g_assert_true (gtk_widget_has_css_class (edge, css_class));
  assert_accessible_label (edge, label);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (edge), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description);
}

/* A store at the first version of the real wibosco bundle, with the Xcode
 * mapping model beside it: 1 → 2 inferred (Post.color renamed), 2 → 3 the
 * mapping model, whose migration policy class cannot run here, 3 → 4
 * inferred. With the plan, 2 → 3 is its custom stage and the chain can
 * run. */
static void
test_wibosco_chain (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.godwit.Godwit");
  g_autofree char *store = godwit_test_fixture_path (WIBOSCO_STORE);
  g_autofree char *bundle = godwit_test_fixture_path (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autofree char *mapping = godwit_test_fixture_path (WIBOSCO_MAPPING);
  g_autofree char *plan = godwit_gui_test_plan_path ("wibosco.godwit-plan.json");
  g_autofree char *store_copy = NULL;
  g_autofree char *blocked = NULL;
  g_auto(GStrv) mapping_paths = NULL;
  GodwitMigrationsPage *page;
  GodwitMigrationStep *step;
  g_autofree char *canonical_mapping = NULL;
  GodwitChainView *chain;
  GodwitWindow *window;

  if (store == NULL || bundle == NULL || mapping == NULL)
    return;

  /* Wide enough for the sidebar beside the pages: the Metadata page's
   * grid of four long version names would fold it away at the default
   * size, and a page chosen in code then stays hidden. */
  g_settings_reset (settings, "last-target-version");
  g_settings_set_int (settings, "window-width", 1400);
  g_settings_set_int (settings, "window-height", 900);
  store_copy = g_build_filename (fixture->dir, "CoreDataMigration_Example_1.sqlite", NULL);
  godwit_test_copy_store (store, store_copy);

  window = godwit_gui_test_open (store_copy, bundle);
  page = show_page (window);
  chain = godwit_migrations_page_get_chain_view (page);

  /* Without a plan: the mapping model beside the bundle covers 2 → 3,
   * and the step says why it cannot run. */
  g_assert_null (godwit_migrations_page_get_plan_path (page));
  mapping_paths = godwit_migrations_page_dup_mapping_paths (page);
  g_assert_cmpuint (g_strv_length (mapping_paths), ==, 1);
  /* The app names files as GFile does: "a/../b" is "b". */
  canonical_mapping = g_canonicalize_filename (mapping, NULL);
  g_assert_cmpstr (mapping_paths[0], ==, canonical_mapping);
  g_assert_false (godwit_migration_can_run (godwit_migrations_page_get_migration (page)));
  step = g_ptr_array_index (godwit_migration_get_steps (godwit_migrations_page_get_migration (page)), 1);
  g_assert_cmpuint (step->blockers->len, >=, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (step->blockers, 0), "Post2ToPost3MigrationPolicy"));
  blocked = g_strdup_printf ("Cannot be migrated: %s", (const char *) g_ptr_array_index (step->blockers, 0));

  assert_wibosco_versions (chain);
  g_assert_cmpuint (godwit_chain_view_get_n_steps (chain), ==, 3);
  assert_wibosco_step (chain, 0, GODWIT_MIGRATION_STEP_INFERRED, "Inferred", "inferred",
                       "Migrated by Core Data’s lightweight rules, run as SQL");
  assert_wibosco_step (chain, 1, GODWIT_MIGRATION_STEP_MAPPING_MODEL, "Mapping model", "mapping-model", blocked);
  assert_wibosco_step (chain, 2, GODWIT_MIGRATION_STEP_INFERRED, "Inferred", "inferred",
                       "Migrated by Core Data’s lightweight rules, run as SQL");
  godwit_gui_test_save_window (GTK_WIDGET (window));

  /* With the plan: its custom stage in place of the policy class. */
  choose_plan (page, plan);
  g_assert_true (godwit_migration_can_run (godwit_migrations_page_get_migration (page)));
  assert_wibosco_versions (chain);
  g_assert_cmpuint (godwit_chain_view_get_n_steps (chain), ==, 3);
  assert_wibosco_step (chain, 0, GODWIT_MIGRATION_STEP_INFERRED, "Inferred", "inferred",
                       "Migrated by Core Data’s lightweight rules, run as SQL");
  assert_wibosco_step (chain, 1, GODWIT_MIGRATION_STEP_PLAN, "Migration plan", "plan",
                       "Migrated by a custom stage of the migration plan");
  assert_wibosco_step (chain, 2, GODWIT_MIGRATION_STEP_INFERRED, "Inferred", "inferred",
                       "Migrated by Core Data’s lightweight rules, run as SQL");

  godwit_gui_test_close (window);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

/* Later steps' reports come from a dry run, which leaves the store as it
 * was. */
static void
test_dry_run (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *before = NULL;
  GodwitMigrationsPage *page;
  GodwitStagePreview *preview;
  GodwitMigration *migration;
  GodwitWindow *window;
  GPtrArray *reports;
  GPtrArray *counts;
  gboolean found_notes = FALSE;

  godwit_gui_test_write_garden (fixture->store, "Garden", FALSE);
  before = godwit_test_snapshot_directory (fixture->dir);

  page = open_planned (fixture, garden_plan, &window);
  preview = godwit_migrations_page_get_stage_preview (page);
  migration = godwit_migrations_page_get_migration (page);
  g_assert_false (godwit_stage_report_get_ran (g_ptr_array_index (godwit_migration_get_stage_reports (migration), 1)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "migrations.dry-run", NULL));
  g_assert_true (godwit_migrations_page_get_busy (page));
  wait_page (page);

  g_assert_null (godwit_gui_test_find_dialog (GTK_WINDOW (window)));
  g_assert_nonnull (strstr (godwit_migrations_page_get_status (page), "Dry run passed"));
  reports = godwit_migration_get_stage_reports (migration);
  g_assert_cmpuint (reports->len, ==, 2);
  for (guint i = 0; i < reports->len; i++)
    g_assert_true (godwit_stage_report_get_ran (g_ptr_array_index (reports, i)));

  /* Step 2, dry-run: nothing left to say it lacks, every count known. */
  godwit_chain_view_set_selected_step (godwit_migrations_page_get_chain_view (page), 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (godwit_migrations_page_get_chain_view (page)),
                                             "chain.activate", NULL));
  g_assert_null (godwit_stage_preview_get_notice (preview));
  assert_preview_shows_report (preview, g_ptr_array_index (reports, 1));
  counts = godwit_stage_report_get_counts (g_ptr_array_index (reports, 1));
  for (guint i = 0; i < counts->len; i++)
    {
      const GodwitEntityCount *count = g_ptr_array_index (counts, i);

      if (count->destination_entity != NULL)
        g_assert_cmpint (count->after, >=, 0);

      /* The plan's PlantToNote and TreeToNote: a note for the tomato and
       * the oak; the basil's notes are white space, which will-migrate
       * clears. */
      if (g_strcmp0 (count->destination_entity, "Note") == 0)
        {
          g_assert_cmpint (count->predicted, ==, 2);
          g_assert_cmpint (count->after, ==, 2);
          found_notes = TRUE;
        }
    }
  g_assert_true (found_notes);
  g_assert_nonnull (godwit_stage_report_get_samples (g_ptr_array_index (reports, 1)));

  godwit_gui_test_close (window);

  assert_dir_unchanged (fixture, before);
}

typedef struct
{
  GodwitWindow         *window;
  GodwitMigrationsPage *page;
  GodwitDocument       *document;   /* shown before: a new one comes with the reload */
} Reload;

static gboolean
reloaded (gpointer data)
{
  Reload *reload = data;

  return !godwit_window_get_busy (reload->window) &&
         godwit_window_get_document (reload->window) != reload->document &&
         !godwit_migrations_page_get_busy (reload->page);
}

static void
wait_reload (GodwitWindow         *window,
             GodwitMigrationsPage *page,
             GodwitDocument       *document,
             const char           *what)
{
  Reload reload = { window, page, document };

  godwit_gui_test_wait_until (reloaded, &reload, what);
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;

  return n;
}

static void
assert_store_version (const char *path,
                      const char *bundle_path,
                      const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitStore) store = godwit_store_open (path, NULL, &error);
  g_autoptr(GodwitModelBundle) bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_autoptr(GodwitVersionMatch) match = NULL;
  GodwitModel *matched;

  g_assert_no_error (error);
  match = godwit_version_match_new (godwit_store_get_version_hashes (store), NULL, bundle);
  matched = godwit_version_match_get_matched_version (match);
  g_assert_nonnull (matched);
  g_assert_cmpstr (godwit_model_get_version_name (matched), ==, expected);
}

/* The demo store (“Garden 2”) migrated to “Garden 3” through the page,
 * then undone from the toast. */
static void
test_migrate_and_undo (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *original = NULL;
  g_autofree char *undone = NULL;
  GodwitMigrationsPage *page;
  GodwitDocument *document;
  GodwitWindow *window;
  AdwToast *toast;

  original = godwit_test_file_checksum (fixture->store);

  page = open_planned (fixture, garden_plan, &window);
  g_assert_cmpuint (count_rows (godwit_migrations_page_get_backup_list (page)), ==, 0);
  g_assert_cmpint (godwit_chain_view_get_step_kind (godwit_migrations_page_get_chain_view (page), 0), ==,
                   GODWIT_MIGRATION_STEP_PLAN);

  document = godwit_window_get_document (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "migrations.migrate", NULL));
  g_assert_true (godwit_migrations_page_get_busy (page));
  wait_reload (window, page, document, "the migration and the reload");

  /* The toast, the store at the target, a backup of the original. */
  g_assert_null (godwit_gui_test_find_dialog (GTK_WINDOW (window)));
  toast = godwit_migrations_page_get_toast (page);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Migrated to “Garden 3”");
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Undo");
  assert_store_version (fixture->store, fixture->bundle, "Garden 3");
  g_assert_cmpstr (godwit_window_get_subtitle (window), ==, "“Garden 3” of Garden.xcdatamodeld");
  g_assert_cmpuint (count_rows (godwit_migrations_page_get_backup_list (page)), ==, 1);
  /* At the target: nothing left to migrate. */
  g_assert_true (godwit_migration_is_up_to_date (godwit_migrations_page_get_migration (page)));
  g_assert_cmpuint (godwit_chain_view_get_n_steps (godwit_migrations_page_get_chain_view (page)), ==, 0);

  /* Undo: the original bytes again. */
  document = godwit_window_get_document (window);
  g_signal_emit_by_name (toast, "button-clicked");
  g_assert_true (godwit_migrations_page_get_busy (page));
  wait_reload (window, page, document, "the undo and the reload");

  g_assert_null (godwit_gui_test_find_dialog (GTK_WINDOW (window)));
  undone = godwit_test_file_checksum (fixture->store);
  g_assert_cmpstr (undone, ==, original);
  assert_store_version (fixture->store, fixture->bundle, "Garden 2");
  g_assert_cmpstr (adw_toast_get_title (godwit_migrations_page_get_toast (page)), ==, "Migration undone");
  /* Restoring kept the migrated store too. */
  g_assert_cmpuint (count_rows (godwit_migrations_page_get_backup_list (page)), ==, 2);

  godwit_gui_test_close (window);
}

static void
cancel_in_first_stage (const GodwitMigrationProgress *progress,
                       GCancellable                  *cancellable,
                       gpointer                       user_data)
{
  guint *cancelled_at = user_data;

  if (progress->step == 1 && g_strcmp0 (progress->phase, "migrate") == 0)
    {
      *cancelled_at = progress->step;
      g_cancellable_cancel (cancellable);
    }
}

/* Runs the migration the page planned, which must fail: the dialog is
 * shown, the window reads the store again, and the store and its folder
 * are as they were. */
static AdwMessageDialog *
migrate_and_fail (Fixture              *fixture,
                  GodwitWindow         *window,
                  GodwitMigrationsPage *page,
                  const char           *before)
{
  GodwitDocument *document = godwit_window_get_document (window);
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "migrations.migrate", NULL));
  wait_reload (window, page, document, "the migration to fail and the reload");

  dialog = godwit_gui_test_find_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "The original store is untouched."));
  g_assert_null (godwit_migrations_page_get_toast (page));
  g_assert_cmpuint (count_rows (godwit_migrations_page_get_backup_list (page)), ==, 0);

  assert_dir_unchanged (fixture, before);

  return dialog;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *before = NULL;
  GodwitMigrationsPage *page;
  AdwMessageDialog *dialog;
  GodwitWindow *window;
  guint cancelled_at = 0;

  before = godwit_test_snapshot_directory (fixture->dir);

  page = open_planned (fixture, garden_plan, &window);
  godwit_migrations_page_set_progress_observer (page, cancel_in_first_stage, &cancelled_at);

  dialog = migrate_and_fail (fixture, window, page, before);
  g_assert_cmpuint (cancelled_at, ==, 1);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Migration Cancelled");
  assert_store_version (fixture->store, fixture->bundle, "Garden 2");

  godwit_gui_test_save_window (GTK_WIDGET (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  godwit_gui_test_close (window);
}

/* The garden plan with a did-migrate statement that deletes a bed: the
 * objects made no longer match what the mappings predict. */
static char *
write_deleting_plan (Fixture *fixture)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "deleting.godwit-plan.json", NULL);
  g_autofree char *written = NULL;
  JsonObject *custom;
  JsonArray *did_migrate = json_array_new ();

  g_file_get_contents (garden_plan, &text, NULL, &error);
  g_assert_no_error (error);
  root = godwit_test_parse_json (text);
  custom = json_array_get_object_element (godwit_test_array_member (json_node_get_object (root), "stages"), 1);
  g_assert_cmpstr (json_object_get_string_member (custom, "kind"), ==, "custom");
  json_array_add_string_element (did_migrate, "DELETE FROM ZBED WHERE Z_PK = 1");
  json_object_set_array_member (custom, "did-migrate", did_migrate);

  written = json_to_string (root, TRUE);
  godwit_test_write_file (path, written, -1);

  return g_steal_pointer (&path);
}

static void
test_failure (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *plan = NULL;
  g_autofree char *before = NULL;
  GodwitMigrationsPage *page;
  AdwMessageDialog *dialog;
  GodwitWindow *window;

  plan = write_deleting_plan (fixture);
  before = godwit_test_snapshot_directory (fixture->dir);

  page = open_planned (fixture, plan, &window);

  dialog = migrate_and_fail (fixture, window, page, before);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Migration Failed");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "verification failed"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), fixture->store));
  assert_store_version (fixture->store, fixture->bundle, "Garden 2");

  godwit_gui_test_save_window (GTK_WIDGET (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  godwit_gui_test_close (window);
}

/* Garden.godwit-plan.json beside Garden.xcdatamodeld is the bundle's plan,
 * without choosing it. */
static void
test_plan_beside_bundle (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *bundle = g_build_filename (fixture->dir, "Garden.xcdatamodeld", NULL);
  g_autofree char *plan = g_build_filename (fixture->dir, "Garden.godwit-plan.json", NULL);
  g_auto(GStrv) mapping_paths = NULL;
  GodwitMigrationsPage *page;
  GodwitWindow *window;

  godwit_test_copy_tree (fixture->bundle, bundle);
  godwit_test_copy_file (garden_plan, plan);

  /* The bundle beside the store, the plan beside the bundle. */
  window = godwit_gui_test_open (fixture->store, NULL);
  g_assert_true (godwit_document_get_bundle_is_beside (godwit_window_get_document (window)));
  page = show_page (window);

  g_assert_cmpstr (godwit_migrations_page_get_plan_path (page), ==, plan);
  g_assert_null (godwit_migrations_page_get_problem (page));
  mapping_paths = godwit_migrations_page_dup_mapping_paths (page);
  g_assert_cmpuint (g_strv_length (mapping_paths), ==, 0);
  g_assert_cmpuint (godwit_chain_view_get_n_steps (godwit_migrations_page_get_chain_view (page)), ==, 1);
  g_assert_cmpint (godwit_chain_view_get_step_kind (godwit_migrations_page_get_chain_view (page), 0), ==,
                   GODWIT_MIGRATION_STEP_PLAN);

  godwit_gui_test_close (window);
}

/* The target dropdown: another version, remembered; the current one is
 * remembered as none. */
static void
test_target (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.godwit.Godwit");
  GodwitMigrationsPage *page;
  GodwitChainView *chain;
  GodwitWindow *window;
  g_autofree char *remembered = NULL;

  g_settings_reset (settings, "last-target-version");
  godwit_gui_test_write_garden (fixture->store, "Garden", FALSE);
  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  page = show_page (window);
  chain = godwit_migrations_page_get_chain_view (page);

  g_assert_cmpstr (godwit_migrations_page_get_target_version (page), ==, "Garden 3");
  g_assert_cmpuint (godwit_chain_view_get_n_steps (chain), ==, 2);

  godwit_migrations_page_set_target_version (page, "Garden 2");
  wait_page (page);
  g_assert_cmpstr (godwit_migrations_page_get_target_version (page), ==, "Garden 2");
  g_assert_cmpint (godwit_chain_view_get_target_index (chain), ==, 1);
  g_assert_cmpuint (godwit_chain_view_get_n_steps (chain), ==, 1);
  remembered = g_settings_get_string (settings, "last-target-version");
  g_assert_cmpstr (remembered, ==, "Garden 2");
  godwit_gui_test_close (window);

  /* The next store starts from it. */
  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  page = show_page (window);
  g_assert_cmpstr (godwit_migrations_page_get_target_version (page), ==, "Garden 2");

  godwit_migrations_page_set_target_version (page, "Garden 3");
  wait_page (page);
  g_assert_cmpstr (godwit_migrations_page_get_target_version (page), ==, "Garden 3");
  g_free (remembered);
  remembered = g_settings_get_string (settings, "last-target-version");
  g_assert_cmpstr (remembered, ==, "");

  godwit_gui_test_close (window);
}

/* Scrolls the page so that @widget, in it, is at the top. */
static void
scroll_to (GodwitMigrationsPage *page,
           GtkWidget            *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (godwit_migrations_page_get_stage_preview (page)),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  graphene_point_t point;

  godwit_gui_test_flush (GTK_WIDGET (page));
  g_assert_true (gtk_widget_compute_point (widget, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), point.y - 24);
}

/* The page with the chain and the first stage's preview, then the plan's
 * stage after a dry run, in the light and the dark style: PNG files to
 * look at, with the other screenshots. */
static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.godwit.Godwit");
  GodwitStagePreview *preview;
  GodwitMigrationsPage *page;
  GodwitChainView *chain;
  GodwitWindow *window;

  g_settings_set_int (settings, "window-width", 1280);
  g_settings_set_int (settings, "window-height", 1000);
  godwit_gui_test_write_garden (fixture->store, "Garden", FALSE);

  page = open_planned (fixture, garden_plan, &window);
  chain = godwit_migrations_page_get_chain_view (page);
  gtk_widget_grab_focus (GTK_WIDGET (chain));
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-migrations");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "migrations.dry-run", NULL));
  wait_page (page);
  godwit_chain_view_set_selected_step (chain, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chain), "chain.activate", NULL));
  preview = godwit_migrations_page_get_stage_preview (page);
  scroll_to (page, GTK_WIDGET (preview));
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-stage-preview");

  /* The data impact, the SQL and the samples. */
  scroll_to (page, GTK_WIDGET (godwit_stage_preview_get_count_grid (preview)));
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-stage-data");

  godwit_gui_test_close (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  godwit_gui_test_init (&argc, &argv);

  garden_plan = godwit_gui_test_plan_path ("garden.godwit-plan.json");

  godwit_gui_test_add ("/gui/migrations/chain", test_chain);
  godwit_gui_test_add ("/gui/migrations/dry-run", test_dry_run);
  godwit_gui_test_add_on_demo ("/gui/migrations/migrate-and-undo", test_migrate_and_undo);
  godwit_gui_test_add_on_demo ("/gui/migrations/cancel", test_cancel);
  godwit_gui_test_add_on_demo ("/gui/migrations/failure", test_failure);
  godwit_gui_test_add_on_demo ("/gui/migrations/plan-beside-bundle", test_plan_beside_bundle);
  godwit_gui_test_add ("/gui/migrations/target", test_target);
  godwit_gui_test_add ("/gui/migrations/wibosco-chain", test_wibosco_chain);
  godwit_gui_test_add ("/gui/migrations/screenshots", test_screenshots);

  status = g_test_run ();
  g_free (garden_plan);

  return status;
}
