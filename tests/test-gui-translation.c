/* test-gui-translation.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The app in German. With LANGUAGE=de and the catalogue that the build
 * makes of po/de.po (po/de/LC_MESSAGES/godwit.mo in the build directory),
 * the strings of the C code (N_() tables, format strings, plurals), of the
 * .ui templates, of the menu and of GtkStringList items come out as de.po
 * has them. Beside a few German texts known from de.po, every window
 * walked is checked as a whole: no text it shows is an English message
 * that the catalogue translates, which is what a string missed by gettext
 * looks like.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "godwit-preferences-window.h"
#include "godwit-sidebar-row.h"
#include "godwit-test-utils.h"
#include "gui-test-utils.h"

typedef GodwitGuiTestFixture Fixture;

/* glibc honours LANGUAGE in any locale but C and POSIX; C.UTF-8 is the
 * one other locale every Debian system has. */
#define LOCALE "C.UTF-8"

static gboolean have_locale;

/* Skips the test, saying why, when the C library cannot show German. */
static gboolean
can_translate (void)
{
  if (!have_locale)
    g_test_skip ("no " LOCALE " locale: glibc ignores LANGUAGE in the C locale");

  return have_locale;
}

static void
add_texts (GtkWidget  *widget,
           GHashTable *texts)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (GTK_IS_LABEL (widget))
    g_hash_table_add (texts, g_strdup (gtk_label_get_label (GTK_LABEL (widget))));
  if (tooltip != NULL)
    g_hash_table_add (texts, g_strdup (tooltip));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    add_texts (child, texts);
}

/* Every text of @widget and its descendants, shown or not: labels, as
 * buttons, rows, groups and status pages show theirs, and tooltips. */
static GHashTable *
dup_texts (GtkWidget *widget)
{
  GHashTable *texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  add_texts (widget, texts);

  return texts;
}

/* A text the catalogue translates would be shown in German. */
static void
assert_not_english (const char *text)
{
  /* gettext ("") is the catalogue's header. */
  if (*text != '\0')
    g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, text), ==, text);
}

static void
assert_all_translated (GHashTable *texts)
{
  GHashTableIter iter;
  const char *text;

  g_hash_table_iter_init (&iter, texts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &text, NULL))
    assert_not_english (text);
}

/* @german, de.po's translation of @english, is among @texts, and
 * @english is not. */
static void
assert_shown (GHashTable *texts,
              const char *german,
              const char *english)
{
  g_assert_cmpstr (g_hash_table_lookup (texts, german), ==, german);
  g_assert_null (g_hash_table_lookup (texts, english));
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The combo row whose title is @title. */
static AdwComboRow *
find_combo_row (GtkWidget  *widget,
                const char *title)
{
  if (ADW_IS_COMBO_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return ADW_COMBO_ROW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwComboRow *found = find_combo_row (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The labels of a menu and of its sections. */
static void
add_menu_labels (GMenuModel *menu,
                 GHashTable *labels)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        g_hash_table_add (labels, g_steal_pointer (&label));
      if (section != NULL)
        add_menu_labels (section, labels);
    }
}

static void
test_catalogue (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *mo = g_test_build_filename (G_TEST_BUILT, "..", "po", "de", "LC_MESSAGES",
                                               GETTEXT_PACKAGE ".mo", NULL);

  g_assert_true (g_file_test (mo, G_FILE_TEST_IS_REGULAR));
  if (!can_translate ())
    return;

  /* The catalogue is the one found, and the C library reads it. */
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Metadata"), ==, "Metadaten");
}

/* The sidebar (N_() tables and the section headers built in C), the
 * subtitle (a format string), the pages' .ui templates and the menu. */
static void
test_window (Fixture       *fixture,
             gconstpointer  data)
{
  const char *pages[][2] = {
    { "metadata", "Metadaten" },
    { "model", "Modell" },
    { "history", "Verlauf" },
    { "migrations", "Migrationen" },
    { "sync", "Synchronisation" },
  };
  g_autoptr(GHashTable) texts = NULL;
  g_autoptr(GHashTable) menu_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GtkListBox *sidebar;
  GtkWidget *row;
  GodwitWindow *window;
  GtkWidget *menu_button;

  if (!can_translate ())
    return;

  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  g_assert_cmpstr (godwit_window_get_subtitle (window), ==, "„Garden 2“ von Garden.xcdatamodeld");

  sidebar = godwit_store_view_get_sidebar (godwit_window_get_store_view (window));
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      row = GTK_WIDGET (gtk_list_box_get_row_at_index (sidebar, i));
      g_assert_cmpstr (godwit_sidebar_row_get_page_name (GODWIT_SIDEBAR_ROW (row)), ==, pages[i][0]);
      g_assert_cmpstr (godwit_sidebar_row_get_title (GODWIT_SIDEBAR_ROW (row)), ==, pages[i][1]);
      /* What each page fills in when it is shown is walked below. */
      godwit_gui_test_show_page (window, pages[i][0]);
    }

  texts = dup_texts (GTK_WIDGET (window));
  assert_shown (texts, "Entitäten", "Entities");
  assert_shown (texts, "Versions-Hashes der Entitäten", "Entity Version Hashes");
  assert_shown (texts, "_Probelauf", "_Dry Run");
  assert_shown (texts, "Einen Core-Data-Store öffnen", "Open a Core Data Store");
  assert_shown (texts, "Objekte durchsuchen", "Search Objects");
  assert_all_translated (texts);

  menu_button = find_widget (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (menu_button);
  add_menu_labels (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)), menu_labels);
  assert_shown (menu_labels, "_Einstellungen", "_Preferences");
  assert_shown (menu_labels, "_Modell wählen …", "Choose _Model…");
  assert_all_translated (menu_labels);

  godwit_gui_test_close (window);
}

static gboolean
objects_listed (gpointer data)
{
  GodwitObjectsPage *page = data;
  GodwitObjectList *list = godwit_objects_page_get_object_list (page);

  return list != NULL && godwit_object_list_get_counted (list) && !godwit_object_list_get_loading (list);
}

/* The count of an entity's objects: a plural of ngettext. */
static void
test_objects (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GHashTable) texts = NULL;
  GodwitStoreView *view;
  GodwitObjectsPage *page;
  GodwitWindow *window;

  if (!can_translate ())
    return;

  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  view = godwit_window_get_store_view (window);
  page = godwit_store_view_get_objects_page (view);

  /* Plant, with its 60 objects. */
  gtk_list_box_select_row (godwit_store_view_get_sidebar (view),
                           gtk_list_box_get_row_at_index (godwit_store_view_get_sidebar (view), 7));
  g_assert_cmpstr (godwit_store_view_get_visible_page (view), ==, "objects");
  godwit_gui_test_wait_until (objects_listed, page, "the plants to be listed");
  godwit_gui_test_flush (GTK_WIDGET (window));
  g_assert_cmpstr (godwit_objects_page_get_count_text (page), ==, "60 Objekte");

  texts = dup_texts (GTK_WIDGET (window));
  assert_all_translated (texts);

  godwit_gui_test_close (window);
}

/* The Preferences window (AdwComboRow titles, GtkStringList items), the
 * shortcuts window (its own .ui) and the About window (strings set in
 * C). */
static void
test_other_windows (Fixture       *fixture,
                    gconstpointer  data)
{
  GodwitApplication *application = godwit_gui_test_application ();
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GHashTable) texts = NULL;
  GtkWidget *preferences;
  AdwComboRow *policy_row;
  GtkWindow *shortcuts;
  GtkWindow *about;
  GodwitWindow *window;

  if (!can_translate ())
    return;

  settings = g_settings_new ("io.github.godwit.Godwit.Sync");
  preferences = godwit_preferences_window_new (settings, FALSE);
  gtk_window_present (GTK_WINDOW (preferences));
  godwit_gui_test_flush (preferences);

  texts = dup_texts (preferences);
  assert_shown (texts, "_Konfliktstrategie", "Conflict _policy");
  assert_shown (texts, "Server-_URL", "Server _URL");
  assert_all_translated (texts);
  g_clear_pointer (&texts, g_hash_table_unref);

  policy_row = find_combo_row (preferences, "_Konfliktstrategie");
  g_assert_nonnull (policy_row);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (policy_row)), 0), ==,
                   "Store gewinnt");
  godwit_gui_test_save_window (preferences);
  gtk_window_destroy (GTK_WINDOW (preferences));

  window = godwit_window_new (application);
  gtk_window_present (GTK_WINDOW (window));
  godwit_gui_test_flush (GTK_WIDGET (window));

  g_action_group_activate_action (G_ACTION_GROUP (application), "shortcuts", NULL);
  shortcuts = godwit_gui_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  texts = dup_texts (GTK_WIDGET (shortcuts));
  assert_shown (texts, "Einen Store öffnen", "Open a store");
  assert_all_translated (texts);
  g_clear_pointer (&texts, g_hash_table_unref);
  godwit_gui_test_save_window (GTK_WIDGET (shortcuts));
  gtk_window_destroy (shortcuts);

  g_action_group_activate_action (G_ACTION_GROUP (application), "about", NULL);
  about = godwit_gui_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_comments (ADW_ABOUT_WINDOW (about)), ==,
                   "Stores von Apple Core Data unter Linux untersuchen, migrieren und synchronisieren");
  g_assert_cmpstr (adw_about_window_get_developer_name (ADW_ABOUT_WINDOW (about)), ==, "Die Godwit-Entwickler");
  godwit_gui_test_save_window (GTK_WIDGET (about));
  gtk_window_destroy (about);

  godwit_gui_test_save_window (GTK_WIDGET (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *localedir = NULL;

  /* Before GTK starts threads, which setenv () is not safe beside. */
  g_setenv ("LANGUAGE", "de", TRUE);
  godwit_gui_test_init (&argc, &argv);

  /* As main () binds the domain, but to the catalogue in the build
   * directory; gtk_test_init () has set a locale of its own. */
  localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  have_locale = setlocale (LC_ALL, LOCALE) != NULL;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  godwit_gui_test_add ("/gui/translation/catalogue", test_catalogue);
  godwit_gui_test_add_on_demo ("/gui/translation/window", test_window);
  godwit_gui_test_add_on_demo ("/gui/translation/objects", test_objects);
  godwit_gui_test_add ("/gui/translation/other-windows", test_other_windows);

  return g_test_run ();
}
