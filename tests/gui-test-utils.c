/* gui-test-utils.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Helpers of the gui suite.
 *
 * Screenshots: every gui test leaves PNG files of the windows it used,
 * rendered by GTK itself (the window's render nodes through its own
 * renderer), for a person to look at. They go to meson-logs/screenshots/
 * in the build directory, beside meson's test logs, which is what CI keeps
 * as artifacts. godwit_gui_test_close() saves the window it closes as
 * TEST.png, TEST being the test's path with its slashes as dashes
 * (gui-window-open-demo.png; TEST-2.png, TEST-3.png … for the next ones
 * of the same test); a test that ends a window another way saves it with
 * godwit_gui_test_save_window(). godwit_gui_test_screenshots() adds named
 * ones in the light and the dark style.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"
#include "gui-test-utils.h"

#define WAIT_SECONDS 60

static GodwitApplication *application;
/* The test whose windows were saved last, and how many. */
static char *saved_test_path;
static guint n_saved_windows;

void
godwit_gui_test_init (int    *argc,
                      char ***argv)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display: run the gui suite under Xvfb (build-aux/godwit-dev test)\n");
      exit (0);
    }

  gtk_test_init (argc, argv, NULL);

  /* Transitions end at once: what a test sees is what they lead to. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

GodwitApplication *
godwit_gui_test_application (void)
{
  g_autoptr(GError) error = NULL;

  if (application != NULL)
    return application;

  application = godwit_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);

  return application;
}

void
godwit_gui_test_wait_until (GodwitGuiTestCondition  condition,
                            gpointer                data,
                            const char             *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after %d s waiting for %s", WAIT_SECONDS, what);

      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

void
godwit_gui_test_flush (GtkWidget *widget)
{
  gtk_test_widget_wait_for_draw (widget);
  godwit_gui_test_wait_until (nothing_pending, NULL, "the main loop to go idle");
  gdk_display_sync (gtk_widget_get_display (widget));
}

static gboolean
window_is_idle (gpointer data)
{
  return !godwit_window_get_busy (data);
}

void
godwit_gui_test_wait_idle (GodwitWindow *window)
{
  godwit_gui_test_wait_until (window_is_idle, window, "the store to be read");
}

static void
fixture_set_up (GodwitGuiTestFixture *fixture,
                gconstpointer         data)
{
  gboolean demo_store = GPOINTER_TO_INT (data);

  fixture->dir = godwit_test_make_tmpdir ();
  fixture->store = g_build_filename (fixture->dir, "Garden.sqlite", NULL);
  fixture->bundle = godwit_gui_test_demo_bundle ();
  if (demo_store)
    godwit_gui_test_copy_demo_store (fixture->store);
}

static void
fixture_tear_down (GodwitGuiTestFixture *fixture,
                   gconstpointer         data)
{
  godwit_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->store);
  g_free (fixture->bundle);
}

static void
add_test (const char        *path,
          GodwitGuiTestFunc  test,
          gboolean           demo_store)
{
  g_test_add_vtable (path, sizeof (GodwitGuiTestFixture), GINT_TO_POINTER (demo_store),
                     (GTestFixtureFunc) fixture_set_up, (GTestFixtureFunc) test,
                     (GTestFixtureFunc) fixture_tear_down);
}

void
godwit_gui_test_add (const char        *path,
                     GodwitGuiTestFunc  test)
{
  add_test (path, test, FALSE);
}

void
godwit_gui_test_add_on_demo (const char        *path,
                             GodwitGuiTestFunc  test)
{
  add_test (path, test, TRUE);
}

GodwitWindow *
godwit_gui_test_open (const char *store_path,
                      const char *bundle_path)
{
  GodwitWindow *window = godwit_window_new (godwit_gui_test_application ());
  g_autoptr(GFile) store_file = g_file_new_for_path (store_path);
  g_autoptr(GFile) bundle_file = bundle_path != NULL ? g_file_new_for_path (bundle_path) : NULL;

  gtk_window_present (GTK_WINDOW (window));
  godwit_window_open (window, store_file, bundle_file);
  godwit_gui_test_wait_idle (window);
  g_assert_nonnull (godwit_window_get_document (window));

  return window;
}

void
godwit_gui_test_show_page (GodwitWindow *window,
                           const char   *name)
{
  GodwitStoreView *view = godwit_window_get_store_view (window);

  godwit_store_view_show_page (view, name);
  g_assert_cmpstr (godwit_store_view_get_visible_page (view), ==, name);
  godwit_gui_test_flush (GTK_WIDGET (window));
}

static gboolean
is_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

void
godwit_gui_test_close (GodwitWindow *window)
{
  GodwitDocument *document = godwit_window_get_document (window);
  GodwitStore *store = NULL;

  godwit_gui_test_save_window (GTK_WIDGET (window));

  /* A document closed for a migration holds no store. */
  if (document != NULL)
    store = godwit_document_get_store (document);
  if (store != NULL)
    g_object_add_weak_pointer (G_OBJECT (store), (gpointer *) &store);

  gtk_window_destroy (GTK_WINDOW (window));

  /* A page being read holds the store until its worker ends. */
  godwit_gui_test_wait_until (is_cleared, &store, "the store to be closed");
}

const char *
godwit_gui_test_grid_text (GtkGrid *grid,
                           int      column,
                           int      row)
{
  GtkWidget *cell = gtk_grid_get_child_at (grid, column, row);

  g_assert_true (GTK_IS_LABEL (cell));

  return gtk_label_get_label (GTK_LABEL (cell));
}

AdwMessageDialog *
godwit_gui_test_find_dialog (GtkWindow *parent)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_window_get_transient_for (l->data) == parent)
      return l->data;

  return NULL;
}

GtkWindow *
godwit_gui_test_find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      return l->data;

  return NULL;
}

void
godwit_gui_test_screenshot (GtkWidget  *widget,
                            const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  GtkSnapshot *snapshot;
  int width;
  int height;

  /* Laid out and drawn at its current size first. */
  godwit_gui_test_flush (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

char *
godwit_gui_test_screenshot_path (const char *name)
{
  g_autofree char *built = g_test_build_filename (G_TEST_BUILT, "..", "meson-logs", "screenshots", NULL);
  g_autofree char *dir = g_canonicalize_filename (built, NULL);
  g_autofree char *file_name = g_strconcat (name, ".png", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  return g_build_filename (dir, file_name, NULL);
}

void
godwit_gui_test_save_window (GtkWidget *widget)
{
  const char *test_path = g_test_get_path ();
  g_autoptr(GString) name = g_string_new (test_path[0] == '/' ? test_path + 1 : test_path);
  g_autofree char *path = NULL;

  if (g_strcmp0 (saved_test_path, test_path) != 0)
    {
      g_free (saved_test_path);
      saved_test_path = g_strdup (test_path);
      n_saved_windows = 0;
    }

  g_string_replace (name, "/", "-", 0);
  if (++n_saved_windows > 1)
    g_string_append_printf (name, "-%u", n_saved_windows);

  path = godwit_gui_test_screenshot_path (name->str);
  godwit_gui_test_screenshot (widget, path);
}

void
godwit_gui_test_screenshots (GtkWidget  *widget,
                             const char *name)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *dark_name = g_strconcat (name, "-dark", NULL);
  g_autofree char *light_png = godwit_gui_test_screenshot_path (name);
  g_autofree char *dark_png = godwit_gui_test_screenshot_path (dark_name);

  godwit_gui_test_screenshot (widget, light_png);

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  godwit_gui_test_screenshot (widget, dark_png);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
}

char *
godwit_gui_test_demo_store (void)
{
  return g_test_build_filename (G_TEST_BUILT, "..", "data", "Garden.sqlite", NULL);
}

char *
godwit_gui_test_demo_bundle (void)
{
  return g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "Garden.xcdatamodeld", NULL);
}

void
godwit_gui_test_copy_demo_store (const char *path)
{
  g_autofree char *demo = godwit_gui_test_demo_store ();

  godwit_test_copy_store (demo, path);
}

char *
godwit_gui_test_plan_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "plans", name, NULL);
}

void
godwit_gui_test_write_garden (const char *path,
                              const char *version_name,
                              gboolean    persistent_history)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitStoreWriter) writer = NULL;

  writer = godwit_test_writer_new (godwit_test_find_version (bundle, version_name), path);
  godwit_store_writer_set_persistent_history (writer, persistent_history);
  godwit_test_writer_begin (writer);
  godwit_test_write_garden (writer, version_name, FALSE);
  godwit_test_writer_commit (writer);
}

static gboolean
shortcut_matches (GtkShortcut     *shortcut,
                  guint            keyval,
                  GdkModifierType  modifiers)
{
  GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

  return GTK_IS_KEYVAL_TRIGGER (trigger) &&
         gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
         gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers;
}

gboolean
godwit_gui_test_press_key (GtkWidget       *widget,
                           guint            keyval,
                           GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (shortcut_matches (shortcut, keyval, modifiers))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }

  return FALSE;
}
