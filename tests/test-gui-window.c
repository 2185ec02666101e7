/* test-gui-window.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window with real stores: opening one (the command line, the bundle
 * beside the store), the sidebar's entities and counts, the pages not
 * built yet, errors, recent stores, window size, and the store left
 * untouched.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "godwit-object-item.h"
#include "godwit-sidebar-row.h"
#include "godwit-test-utils.h"
#include "gui-test-utils.h"

typedef GodwitGuiTestFixture Fixture;

/* The bundle beside the store, as in an app's source folder. */
static void
link_bundle_beside (Fixture *fixture)
{
  g_autofree char *link = g_build_filename (fixture->dir, "Garden.xcdatamodeld", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (link);
  g_autoptr(GError) error = NULL;

  g_file_make_symbolic_link (file, fixture->bundle, NULL, &error);
  g_assert_no_error (error);
}

static const char *
shown_entity (GodwitStoreView *view)
{
  GodwitObjectsPage *page = godwit_store_view_get_objects_page (view);

  return godwit_object_list_get_entity_name (godwit_objects_page_get_object_list (page));
}

static GPtrArray *
list_sidebar_rows (GodwitWindow *window)
{
  GtkListBox *sidebar = godwit_store_view_get_sidebar (godwit_window_get_store_view (window));
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (sidebar));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GODWIT_IS_SIDEBAR_ROW (child))
      g_ptr_array_add (rows, child);

  return rows;
}

/* Every entity of the store, with the number of its objects (sub-entities
 * included) as the core counts them, after the store's five pages. */
static void
assert_sidebar (GodwitWindow *window,
                const char   *store_path)
{
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GPtrArray) rows = list_sidebar_rows (window);
  g_autoptr(GError) error = NULL;
  const char *pages[] = { "metadata", "model", "history", "migrations", "sync" };
  GPtrArray *entities;

  store = godwit_store_open (store_path, NULL, &error);
  g_assert_no_error (error);
  entities = godwit_store_get_entities (store);

  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (pages) + entities->len);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GodwitSidebarRow *row = g_ptr_array_index (rows, i);

      g_assert_cmpstr (godwit_sidebar_row_get_page_name (row), ==, pages[i]);
      g_assert_null (godwit_sidebar_row_get_entity (row));
    }

  for (guint i = 0; i < entities->len; i++)
    {
      const GodwitStoreEntity *entity = g_ptr_array_index (entities, i);
      GodwitSidebarRow *row = g_ptr_array_index (rows, G_N_ELEMENTS (pages) + i);
      gint64 count = godwit_store_count_objects (store, entity->name, TRUE, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (godwit_sidebar_row_get_entity (row), ==, entity->name);
      g_assert_cmpstr (godwit_sidebar_row_get_title (row), ==, entity->name);
      g_assert_cmpint (godwit_sidebar_row_get_count (row), ==, count);
    }
}

static void
test_open_demo (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GodwitStoreView *view;
  GodwitWindow *window;
  gint64 counts[] = { 7, 10, 60, 10 };

  link_bundle_beside (fixture);
  before = godwit_test_snapshot_directory (fixture->dir);

  window = godwit_gui_test_open (fixture->store, NULL);
  view = godwit_window_get_store_view (window);

  /* The bundle beside the store, at the version the store matches. */
  g_assert_true (godwit_document_get_bundle_is_beside (godwit_window_get_document (window)));
  g_assert_cmpstr (godwit_window_get_subtitle (window), ==, "“Garden 2” of Garden.xcdatamodeld");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Garden.sqlite");
  g_assert_cmpstr (godwit_store_view_get_visible_page (view), ==, "metadata");

  assert_sidebar (window, fixture->store);
  rows = list_sidebar_rows (window);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    g_assert_cmpint (godwit_sidebar_row_get_count (g_ptr_array_index (rows, 5 + i)), ==, counts[i]);

  /* Choosing an entity shows its objects. */
  gtk_list_box_select_row (godwit_store_view_get_sidebar (view), g_ptr_array_index (rows, 7));
  g_assert_cmpstr (godwit_store_view_get_visible_page (view), ==, "objects");
  g_assert_cmpstr (shown_entity (view), ==, "Plant");
  godwit_gui_test_flush (GTK_WIDGET (window));

  godwit_gui_test_close (window);

  /* The store, its -wal and -shm: byte for byte as they were. */
  after = godwit_test_snapshot_directory (fixture->dir);
  g_assert_cmpstr (after, ==, before);
}

/* Each of the store's pages in the sidebar shows a page of its own. */
static void
test_store_pages (Fixture       *fixture,
                  gconstpointer  data)
{
  GodwitWindow *window = godwit_gui_test_open (fixture->store, fixture->bundle);
  GodwitStoreView *view = godwit_window_get_store_view (window);
  GtkStack *content = GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (godwit_store_view_get_metadata_page (view)),
                                                          GTK_TYPE_STACK));

  godwit_store_view_show_page (view, "sync");
  g_assert_cmpstr (godwit_store_view_get_visible_page (view), ==, "sync");
  g_assert_true (gtk_stack_get_visible_child (content) == GTK_WIDGET (godwit_store_view_get_sync_page (view)));

  godwit_store_view_show_page (view, "model");
  g_assert_true (gtk_stack_get_visible_child (content) == GTK_WIDGET (godwit_store_view_get_model_page (view)));
  godwit_store_view_show_page (view, "history");
  g_assert_true (gtk_stack_get_visible_child (content) == GTK_WIDGET (godwit_store_view_get_history_page (view)));
  godwit_store_view_show_page (view, "migrations");
  g_assert_true (gtk_stack_get_visible_child (content) ==
                 GTK_WIDGET (godwit_store_view_get_migrations_page (view)));

  godwit_gui_test_close (window);
}

/* Without a bundle beside it, the store is read with its cached model;
 * the demo store caches none, so only its tables are shown. */
static void
test_open_without_model (Fixture       *fixture,
                         gconstpointer  data)
{
  GodwitWindow *window = godwit_gui_test_open (fixture->store, NULL);
  GodwitDocument *document = godwit_window_get_document (window);

  g_assert_null (godwit_document_get_bundle (document));
  g_assert_cmpint (godwit_document_get_model_source (document), ==, GODWIT_MODEL_CHOICE_NONE);
  g_assert_cmpstr (godwit_window_get_subtitle (window), ==, "No model: tables only");
  assert_sidebar (window, fixture->store);

  godwit_gui_test_close (window);
}

static gboolean
has_dialog (gpointer data)
{
  return godwit_gui_test_find_dialog (data) != NULL;
}

/* Opens the store at @path in @window, which fails: the error dialog,
 * naming the file; no document. */
static AdwMessageDialog *
open_store_failing (GodwitWindow *window,
                    const char   *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AdwMessageDialog *dialog;

  gtk_window_present (GTK_WINDOW (window));
  godwit_window_open (window, file, NULL);
  godwit_gui_test_wait_idle (window);
  godwit_gui_test_wait_until (has_dialog, window, "the error dialog");

  dialog = godwit_gui_test_find_dialog (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open Store");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), path));
  g_assert_null (godwit_window_get_document (window));

  return dialog;
}

static void
test_open_not_a_store (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "Notes.sqlite", NULL);
  GodwitWindow *window = godwit_window_new (godwit_gui_test_application ());
  AdwMessageDialog *dialog;

  godwit_test_write_file (path, "Shopping: eggs, flour, sugar.\n", -1);
  dialog = open_store_failing (window, path);

  godwit_gui_test_save_window (GTK_WIDGET (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  godwit_gui_test_close (window);
}

/* A store the document portal hands over (from the file chooser, outside
 * the folders a Flatpak may read) comes without its -wal: it is refused,
 * saying how to let Godwit into its folder. */
static void
test_open_document_portal_file (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *documents = g_build_filename (g_get_user_runtime_dir (), "doc", NULL);
  g_autofree char *folder = g_build_filename (documents, "3f8a9c1e", NULL);
  g_autofree char *path = g_build_filename (folder, "Garden.sqlite", NULL);
  GodwitWindow *window = godwit_window_new (godwit_gui_test_application ());
  g_autofree char *contents = NULL;
  gsize length = 0;
  AdwMessageDialog *dialog;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_get_contents (fixture->store, &contents, &length, &error);
  g_assert_no_error (error);
  godwit_test_write_file (path, contents, (gssize) length);

  dialog = open_store_failing (window, path);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "flatpak override --user --filesystem=FOLDER"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  godwit_gui_test_close (window);

  /* Nothing was written beside it: no -wal, no backups folder. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (folder), ==, 0);
  g_assert_cmpint (g_rmdir (documents), ==, 0);
}

/* A bundle the user chose that is not a bundle: the dialog names it. */
static void
test_open_bad_bundle (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *bundle = g_build_filename (fixture->dir, "Nothing.xcdatamodeld", NULL);
  GodwitWindow *window = godwit_window_new (godwit_gui_test_application ());
  g_autoptr(GFile) store_file = g_file_new_for_path (fixture->store);
  g_autoptr(GFile) bundle_file = g_file_new_for_path (bundle);
  AdwMessageDialog *dialog;

  g_assert_cmpint (g_mkdir (bundle, 0700), ==, 0);

  gtk_window_present (GTK_WINDOW (window));
  godwit_window_open (window, store_file, bundle_file);
  godwit_gui_test_wait_idle (window);
  godwit_gui_test_wait_until (has_dialog, window, "the error dialog");

  dialog = godwit_gui_test_find_dialog (GTK_WINDOW (window));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), bundle));

  godwit_gui_test_save_window (GTK_WIDGET (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  godwit_gui_test_close (window);
}

static void
test_recent_stores (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.godwit.Godwit");
  g_autoptr(GVariant) recent = NULL;
  GodwitWindow *window;
  const char *path;
  const char *bundle;

  g_settings_reset (settings, "recent-stores");

  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  godwit_gui_test_close (window);
  window = godwit_gui_test_open (fixture->store, NULL);
  godwit_gui_test_close (window);

  /* Once, most recent first, with the bundle chosen then. */
  recent = g_settings_get_value (settings, "recent-stores");
  g_assert_cmpuint (g_variant_n_children (recent), ==, 1);
  g_variant_get_child (recent, 0, "(&s&s)", &path, &bundle);
  g_assert_cmpstr (path, ==, fixture->store);
  g_assert_cmpstr (bundle, ==, "");
}

static void
test_window_size (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.godwit.Godwit");
  GodwitWindow *window;
  int width;
  int height;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 640);

  window = godwit_window_new (godwit_gui_test_application ());
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);

  gtk_window_present (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  godwit_gui_test_save_window (GTK_WIDGET (window));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

/* F5 reads the store again and stays on the page shown. */
static void
test_reload (Fixture       *fixture,
             gconstpointer  data)
{
  GodwitWindow *window = godwit_gui_test_open (fixture->store, fixture->bundle);
  GodwitStoreView *view = godwit_window_get_store_view (window);
  GodwitDocument *first = godwit_window_get_document (window);

  g_object_add_weak_pointer (G_OBJECT (first), (gpointer *) &first);
  godwit_store_view_show_entity (view, "Gardener");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));
  g_assert_true (godwit_window_get_busy (window));
  godwit_gui_test_wait_idle (window);

  g_assert_null (first);
  g_assert_nonnull (godwit_window_get_document (window));
  g_assert_cmpstr (godwit_store_view_get_visible_page (view), ==, "objects");
  g_assert_cmpstr (shown_entity (view), ==, "Gardener");

  godwit_gui_test_close (window);
}

/* app.about and app.shortcuts, with the accelerators the shortcuts
 * window lists. */
static void
test_about_and_shortcuts (Fixture       *fixture,
                          gconstpointer  data)
{
  GodwitApplication *application = godwit_gui_test_application ();
  GodwitWindow *window = godwit_window_new (application);
  g_auto(GStrv) open_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application), "app.open");
  g_auto(GStrv) close_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application), "window.close");
  g_auto(GStrv) quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application), "app.quit");
  g_auto(GStrv) reload_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application), "win.reload");
  GtkWindow *about;
  GtkWindow *shortcuts;

  g_assert_cmpstr (open_accels[0], ==, "<Control>o");
  g_assert_cmpstr (close_accels[0], ==, "<Control>w");
  g_assert_cmpstr (quit_accels[0], ==, "<Control>q");
  g_assert_cmpstr (reload_accels[0], ==, "F5");

  gtk_window_present (GTK_WINDOW (window));
  godwit_gui_test_flush (GTK_WIDGET (window));

  g_action_group_activate_action (G_ACTION_GROUP (application), "about", NULL);
  about = godwit_gui_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Godwit");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  godwit_gui_test_save_window (GTK_WIDGET (about));
  gtk_window_destroy (about);

  g_action_group_activate_action (G_ACTION_GROUP (application), "shortcuts", NULL);
  shortcuts = godwit_gui_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  godwit_gui_test_save_window (GTK_WIDGET (shortcuts));
  gtk_window_destroy (shortcuts);

  godwit_gui_test_save_window (GTK_WIDGET (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
item_loaded (gpointer data)
{
  return godwit_object_item_get_loaded (data);
}

/* The window on the demo store as a user first sees it, then browsing
 * plants, in the light and the dark style: PNG files to look at, with
 * the other screenshots. */
static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GodwitObjectItem) item = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.godwit.Godwit");
  g_autofree char *welcome_png = godwit_gui_test_screenshot_path ("godwit-welcome");
  g_autofree char *metadata_png = godwit_gui_test_screenshot_path ("godwit-metadata");
  g_autoptr(GFile) store_file = g_file_new_for_path (fixture->store);
  g_autoptr(GFile) bundle_file = g_file_new_for_path (fixture->bundle);
  GodwitStoreView *view;
  GodwitObjectsPage *page;
  GodwitWindow *window;

  g_settings_set_int (settings, "window-width", 1200);
  g_settings_set_int (settings, "window-height", 760);
  g_settings_set_value (settings, "recent-stores",
                        g_variant_new_parsed ("[(%s, %s)]", fixture->store, fixture->bundle));

  window = godwit_window_new (godwit_gui_test_application ());
  gtk_window_present (GTK_WINDOW (window));
  godwit_gui_test_screenshot (GTK_WIDGET (window), welcome_png);

  godwit_window_open (window, store_file, bundle_file);
  godwit_gui_test_wait_idle (window);
  view = godwit_window_get_store_view (window);
  godwit_gui_test_screenshot (GTK_WIDGET (window), metadata_png);

  godwit_store_view_show_entity (view, "Plant");
  page = godwit_store_view_get_objects_page (view);
  item = g_list_model_get_item (G_LIST_MODEL (godwit_objects_page_get_object_list (page)), 51);
  godwit_gui_test_wait_until (item_loaded, item, "a tree");
  gtk_selection_model_select_item (gtk_column_view_get_model (godwit_objects_page_get_column_view (page)), 51, TRUE);
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-window");

  g_clear_object (&item);
  godwit_gui_test_close (window);
}

typedef struct
{
  GodwitApplication *application;
  gboolean           checked;
} CommandLineRun;

static gboolean
check_command_line_window (gpointer data)
{
  CommandLineRun *run = data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (run->application));
  GodwitWindow *window = windows != NULL ? windows->data : NULL;

  if (window == NULL || godwit_window_get_busy (window))
    return G_SOURCE_CONTINUE;

  /* The --model bundle, not the one beside the store. */
  g_assert_nonnull (godwit_window_get_document (window));
  g_assert_false (godwit_document_get_bundle_is_beside (godwit_window_get_document (window)));
  g_assert_cmpstr (godwit_window_get_subtitle (window), ==, "“Garden 2” of Garden.xcdatamodeld");
  godwit_gui_test_save_window (GTK_WIDGET (window));
  run->checked = TRUE;

  g_action_group_activate_action (G_ACTION_GROUP (run->application), "quit", NULL);

  return G_SOURCE_REMOVE;
}

/* `godwit STORE --model BUNDLE`, relative to the working directory. */
static void
test_command_line (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GodwitApplication) application = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  CommandLineRun run = { NULL, FALSE };
  char *argv[] = { "godwit", "Garden.sqlite", "--model", fixture->bundle, NULL };
  int status;

  g_assert_cmpint (g_chdir (fixture->dir), ==, 0);

  application = godwit_application_new ("io.github.godwit.Godwit.CommandLineTest",
                                        G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN |
                                        G_APPLICATION_HANDLES_COMMAND_LINE);
  run.application = application;
  g_timeout_add (20, check_command_line_window, &run);
  status = g_application_run (G_APPLICATION (application), G_N_ELEMENTS (argv) - 1, argv);

  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  /* The document portal's folder is in the runtime folder: a fresh one,
   * before anything reads where it is. */
  g_autofree char *runtime_dir = g_dir_make_tmp ("godwit-runtime-XXXXXX", NULL);
  int status;

  g_assert_nonnull (runtime_dir);
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);
  godwit_gui_test_init (&argc, &argv);

  godwit_gui_test_add_on_demo ("/gui/window/open-demo", test_open_demo);
  godwit_gui_test_add_on_demo ("/gui/window/store-pages", test_store_pages);
  godwit_gui_test_add_on_demo ("/gui/window/open-without-model", test_open_without_model);
  godwit_gui_test_add_on_demo ("/gui/window/open-not-a-store", test_open_not_a_store);
  godwit_gui_test_add_on_demo ("/gui/window/open-bad-bundle", test_open_bad_bundle);
  godwit_gui_test_add_on_demo ("/gui/window/recent-stores", test_recent_stores);
  godwit_gui_test_add_on_demo ("/gui/window/size", test_window_size);
  godwit_gui_test_add_on_demo ("/gui/window/reload", test_reload);
  godwit_gui_test_add_on_demo ("/gui/window/about-and-shortcuts", test_about_and_shortcuts);
  godwit_gui_test_add_on_demo ("/gui/window/screenshots", test_screenshots);
  godwit_gui_test_add_on_demo ("/gui/window/command-line", test_command_line);
  godwit_gui_test_add_on_demo ("/gui/window/open-document-portal-file", test_open_document_portal_file);

  status = g_test_run ();
  g_rmdir (runtime_dir);

  return status;
}
