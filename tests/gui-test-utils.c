/* gui-test-utils.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gui-test-utils.h"

#define WAIT_SECONDS 60

static GodwitApplication *application;

gboolean
godwit_gui_test_init (int    *argc,
                      char ***argv)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display: run the gui suite under Xvfb (build-aux/godwit-dev test)\n");
      return FALSE;
    }

  gtk_test_init (argc, argv, NULL);

  /* Transitions end at once: what a test sees is what they lead to. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  return TRUE;
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

  if (document != NULL)
    {
      store = godwit_document_get_store (document);
      g_object_add_weak_pointer (G_OBJECT (store), (gpointer *) &store);
    }

  gtk_window_destroy (GTK_WINDOW (window));

  /* A page being read holds the store until its worker ends. */
  godwit_gui_test_wait_until (is_cleared, &store, "the store to be closed");
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
godwit_gui_test_demo_store (void)
{
  return g_test_build_filename (G_TEST_BUILT, "..", "data", "Garden.sqlite", NULL);
}

char *
godwit_gui_test_demo_bundle (void)
{
  return g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "Garden.xcdatamodeld", NULL);
}
