/* test-gui-model.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Model page on the demo store and bundle: the version the store
 * matches first, any other on demand, each version's entities with their
 * attributes and relationships, and the changes from the version before
 * as the model diff explains them.
 */

#include "config.h"

#include <string.h>

#include "godwit-test-model.h"
#include "godwit-test-utils.h"
#include "gui-test-utils.h"

typedef GodwitGuiTestFixture Fixture;

static GodwitModelPage *
show_page (GodwitWindow *window)
{
  godwit_gui_test_show_page (window, "model");

  return godwit_store_view_get_model_page (godwit_window_get_store_view (window));
}

static GPtrArray *
list_entity_rows (GodwitModelPage *page)
{
  GtkListBox *list = godwit_model_page_get_entity_list (page);
  GPtrArray *rows = g_ptr_array_new ();
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      g_assert_true (ADW_IS_EXPANDER_ROW (row));
      g_ptr_array_add (rows, row);
    }

  return rows;
}

/* The entity rows name the version's entities, sorted by name. */
static void
assert_entities (GodwitModelPage *page,
                 GodwitModel     *version)
{
  g_autoptr(GPtrArray) rows = list_entity_rows (page);
  g_autoptr(GPtrArray) entities = g_ptr_array_new ();

  g_ptr_array_extend (entities, godwit_model_get_entities (version), NULL, NULL);
  g_ptr_array_sort (entities, godwit_entity_compare_by_name);
  g_assert_cmpuint (rows->len, ==, entities->len);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), ==,
                     ((GodwitEntity *) g_ptr_array_index (entities, i))->name);
}

static void
collect_action_rows (GtkWidget *widget,
                     GPtrArray *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_ACTION_ROW (child))
        g_ptr_array_add (rows, child);
      collect_action_rows (child, rows);
    }
}

/* The subtitle of the property row @name of the expanded entity row. */
static const char *
property_subtitle (AdwExpanderRow *row,
                   const char     *name)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_action_rows (GTK_WIDGET (row), rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), name) == 0)
      return adw_action_row_get_subtitle (g_ptr_array_index (rows, i));

  return NULL;
}

static AdwExpanderRow *
find_entity_row (GodwitModelPage *page,
                 const char      *name)
{
  g_autoptr(GPtrArray) rows = list_entity_rows (page);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), name) == 0)
      return g_ptr_array_index (rows, i);

  return NULL;
}

/* Every change of the core's diff is in the page's text, with its
 * explanation and, if any, why it is not inferable. */
static void
assert_diff (GodwitModelPage *page,
             GodwitModel     *source,
             GodwitModel     *destination)
{
  g_autoptr(GodwitModelDiff) diff = godwit_model_diff_new (source, destination);
  g_autofree char *text = godwit_diff_view_dup_text (godwit_model_page_get_diff_view (page));
  GPtrArray *changes = godwit_model_diff_get_entity_changes (diff);
  guint n_lines = 0;

  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);

      if (change->kind != GODWIT_CHANGE_UNCHANGED)
        {
          g_assert_nonnull (strstr (text, change->explanation));
          n_lines++;
        }

      for (guint j = 0; j < change->properties->len; j++)
        {
          const GodwitPropertyChange *property_change = g_ptr_array_index (change->properties, j);

          if (property_change->kind == GODWIT_CHANGE_UNCHANGED)
            continue;

          g_assert_nonnull (strstr (text, property_change->explanation));
          if (property_change->blocker != NULL)
            g_assert_nonnull (strstr (text, property_change->blocker));
          n_lines++;
        }
    }

  g_assert_cmpuint (n_lines, >, 0);
}

static void
test_versions (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  GodwitModel *garden = godwit_test_find_version (bundle, "Garden");
  GodwitModel *garden_2 = godwit_test_find_version (bundle, "Garden 2");
  GodwitModel *garden_3 = godwit_test_find_version (bundle, "Garden 3");
  g_autofree char *text = NULL;
  g_autofree char *screenshot = godwit_gui_test_screenshot_path ("godwit-model");
  GodwitWindow *window;
  GodwitModelPage *page;
  AdwExpanderRow *plant;

  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  page = show_page (window);

  /* The version the store matches. */
  g_assert_cmpstr (godwit_model_page_get_version (page), ==, "Garden 2");
  assert_entities (page, garden_2);
  assert_diff (page, garden, garden_2);
  g_assert_cmpstr (godwit_model_page_get_diff_note (page), ==,
                   "From “Garden” to “Garden 2”, as a migration between them sees it");

  /* An entity's properties, once expanded. */
  plant = find_entity_row (page, "Plant");
  g_assert_nonnull (plant);
  g_assert_cmpstr (adw_expander_row_get_subtitle (plant), ==, "4 attributes · 2 relationships");
  g_assert_null (property_subtitle (plant, "commonName"));
  adw_expander_row_set_expanded (plant, TRUE);
  g_assert_cmpstr (property_subtitle (plant, "commonName"), ==, "String · required · renaming identifier “name”");
  g_assert_cmpstr (property_subtitle (plant, "planted"), ==, "Date · optional");
  g_assert_cmpstr (property_subtitle (plant, "bed"), ==,
                   "to-one Bed · optional · inverse “plants” · delete rule Nullify");
  g_assert_cmpstr (property_subtitle (plant, "gardeners"), ==,
                   "to-many Gardener · optional · inverse “plants” · delete rule Nullify");
  g_assert_cmpstr (adw_expander_row_get_subtitle (find_entity_row (page, "Tree")), ==,
                   "sub-entity of Plant · 1 attribute · 0 relationships");

  /* The first version has none before it. */
  g_assert_true (godwit_model_page_set_version (page, "Garden"));
  g_assert_cmpstr (godwit_model_page_get_version (page), ==, "Garden");
  assert_entities (page, garden);
  text = godwit_diff_view_dup_text (godwit_model_page_get_diff_view (page));
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpstr (godwit_model_page_get_diff_note (page), ==,
                   "“Garden” is the first version: no version comes before it.");

  /* The newest: a journal of notes. */
  g_assert_true (godwit_model_page_set_version (page, "Garden 3"));
  assert_entities (page, garden_3);
  assert_diff (page, garden_2, garden_3);
  g_clear_pointer (&text, g_free);
  text = godwit_diff_view_dup_text (godwit_model_page_get_diff_view (page));
  g_assert_nonnull (strstr (text, "Added Note: Note is added\n"));
  adw_expander_row_set_expanded (find_entity_row (page, "Plant"), TRUE);
  g_assert_cmpstr (property_subtitle (find_entity_row (page, "Plant"), "journal"), ==,
                   "to-many Note, ordered · optional · inverse “plant” · delete rule Cascade");

  g_assert_false (godwit_model_page_set_version (page, "Garden 4"));
  g_assert_cmpstr (godwit_model_page_get_version (page), ==, "Garden 3");

  /* To look at, with the other screenshots. */
  godwit_gui_test_screenshot (GTK_WIDGET (window), screenshot);

  godwit_gui_test_close (window);
}

/* Without a bundle or a model cached in the store, the page says so. */
static void
test_no_model (Fixture       *fixture,
               gconstpointer  data)
{
  GodwitWindow *window = godwit_gui_test_open (fixture->store, NULL);
  GodwitModelPage *page = show_page (window);
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (godwit_model_page_get_entity_list (page)), GTK_TYPE_STACK);

  g_assert_null (godwit_document_get_bundle (godwit_window_get_document (window)));
  g_assert_null (godwit_model_page_get_version (page));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "none");

  godwit_gui_test_close (window);
}

int
main (int   argc,
      char *argv[])
{
  godwit_gui_test_init (&argc, &argv);

  godwit_gui_test_add_on_demo ("/gui/model/versions", test_versions);
  godwit_gui_test_add_on_demo ("/gui/model/no-model", test_no_model);

  return g_test_run ();
}
