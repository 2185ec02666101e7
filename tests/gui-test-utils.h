/* gui-test-utils.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-application.h"
#include "godwit-window.h"

G_BEGIN_DECLS

/* A test's own folder and the demo bundle. */
typedef struct
{
  char *dir;
  char *store;    /* Garden.sqlite in @dir */
  char *bundle;   /* the demo bundle in the source tree */
} GodwitGuiTestFixture;

typedef void (*GodwitGuiTestFunc) (GodwitGuiTestFixture *fixture,
                                   gconstpointer         data);

/* Starts GTK under the test framework. Without a display it prints a TAP
 * plan that skips the whole program and exits with 0. */
void               godwit_gui_test_init            (int                *argc,
                                                    char             ***argv);
/* The application, registered (not unique, so tests run side by side). */
GodwitApplication *godwit_gui_test_application     (void);

typedef gboolean (*GodwitGuiTestCondition) (gpointer data);

/* Runs the main context until @condition holds; fails the test after a
 * minute, naming @what. */
void               godwit_gui_test_wait_until      (GodwitGuiTestCondition   condition,
                                                    gpointer                 data,
                                                    const char              *what);
/* Until every pending event is handled and the widget has been drawn. */
void               godwit_gui_test_flush           (GtkWidget               *widget);
/* Adds the test at @path, run on a new fixture whose store is not written
 * yet. */
void               godwit_gui_test_add             (const char              *path,
                                                    GodwitGuiTestFunc        test);
/* The same with a copy of the demo store as the fixture's store. */
void               godwit_gui_test_add_on_demo     (const char              *path,
                                                    GodwitGuiTestFunc        test);
/* A new window that has read the store (with the bundle when not NULL). */
GodwitWindow      *godwit_gui_test_open            (const char              *store_path,
                                                    const char              *bundle_path);
/* Shows @window's page @name and waits until it is drawn. */
void               godwit_gui_test_show_page       (GodwitWindow            *window,
                                                    const char              *name);
/* Until @window is no longer reading a store. */
void               godwit_gui_test_wait_idle       (GodwitWindow            *window);
/* Saves @window's screenshot (godwit_gui_test_save_window ()), destroys
 * it and waits until its store is closed. */
void               godwit_gui_test_close           (GodwitWindow            *window);
/* The text of the label in @grid's cell at @column and @row. */
const char        *godwit_gui_test_grid_text       (GtkGrid                 *grid,
                                                    int                      column,
                                                    int                      row);
/* The message dialog shown for @parent, or NULL. */
AdwMessageDialog  *godwit_gui_test_find_dialog     (GtkWindow               *parent);
/* The first window of @type shown, or NULL. */
GtkWindow         *godwit_gui_test_find_toplevel   (GType                    type);
/* Renders @widget as it is on screen into a PNG file. */
void               godwit_gui_test_screenshot      (GtkWidget               *widget,
                                                    const char              *path);
/* @name.png in the screenshots folder, meson-logs/screenshots/ in the
 * build directory (made if need be). */
char              *godwit_gui_test_screenshot_path (const char              *name);
/* A screenshot of @widget (a window) named after the test running, in the
 * screenshots folder: every test saves the windows it uses. */
void               godwit_gui_test_save_window     (GtkWidget               *widget);
/* Screenshots of @widget in the light and the dark style: @name.png and
 * @name-dark.png in the screenshots folder. */
void               godwit_gui_test_screenshots     (GtkWidget               *widget,
                                                    const char              *name);
/* The demo store's and bundle's paths in the build and source trees. */
char              *godwit_gui_test_demo_store      (void);
char              *godwit_gui_test_demo_bundle     (void);
/* Copies the demo store (with its journal files) to @path. */
void               godwit_gui_test_copy_demo_store (const char              *path);
/* tests/plans/@name in the source tree. */
char              *godwit_gui_test_plan_path       (const char              *name);
/* A small garden (godwit_test_write_garden        ()) written for a version of
 * the demo bundle, with the persistent-history tables or without. */
void               godwit_gui_test_write_garden    (const char              *path,
                                                    const char              *version_name,
                                                    gboolean                 persistent_history);
/* Runs what @keyval with @modifiers is bound to among @widget's own
 * shortcuts, as pressing the key on the focused widget does; FALSE when
 * nothing is bound to it. */
gboolean           godwit_gui_test_press_key       (GtkWidget               *widget,
                                                    guint                    keyval,
                                                    GdkModifierType          modifiers);

G_END_DECLS
