/* test-gui-stage-preview.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The stage preview's Sync Compatibility group on the Migrations page:
 * the demo store's step, which breaks sync; the garden's two steps, one
 * shown after the other; and a generated bundle whose first step is
 * compatible and whose second only warns. Each row against the engine's
 * findings: its words, its icon and its style class; and a screenshot of
 * each state, scrolled to the group.
 */

#include "config.h"

#include <string.h>

#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"
#include "gui-test-utils.h"

typedef GodwitGuiTestFixture Fixture;

#define BREAKS_DETAIL  "Breaks sync with devices on the older version"
#define WARNING_DETAIL "Some values may not sync with devices on the older version"
#define COMPATIBLE     "Compatible: devices on the older version still read and send the same documents."

#define RENAMED_MESSAGE \
  "“Plant.name” is renamed to “commonName”: documents carry it under the new key, so the “name” " \
  "values older peers send are dropped on pull, and older peers find no “name” in the documents " \
  "this store sends"
#define REMOVED_MESSAGE \
  "Older peers still send “Plant.notes”; after this step the store has no such attribute, so " \
  "their values are dropped on pull"
#define OPTIONAL_MESSAGE \
  "“Post.title” becomes optional: this store may send it without a value (null), which older " \
  "peers, for whom it is non-optional, refuse"

static gboolean
page_is_idle (gpointer data)
{
  return !godwit_migrations_page_get_busy (data);
}

/* A window on @store with the Migrations page shown and planned. */
static GodwitMigrationsPage *
open_page (const char    *store,
           const char    *bundle,
           GodwitWindow **window)
{
  GodwitMigrationsPage *page;

  *window = godwit_gui_test_open (store, bundle);
  page = godwit_store_view_get_migrations_page (godwit_window_get_store_view (*window));
  godwit_gui_test_show_page (*window, "migrations");
  godwit_gui_test_wait_until (page_is_idle, page, "the Migrations page to plan");
  g_assert_null (godwit_migrations_page_get_problem (page));

  return page;
}

/* Shows step @index in the preview, as Enter on the chain does. */
static void
show_step (GodwitMigrationsPage *page,
           guint                 index)
{
  GodwitChainView *chain = godwit_migrations_page_get_chain_view (page);

  godwit_chain_view_set_selected_step (chain, index);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chain), "chain.activate", NULL));
}

/* The labels and the icon below @widget, in order. */
static void
collect_row (GtkWidget  *widget,
             GPtrArray  *labels,
             GtkWidget **icon)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (labels, widget);
  else if (GTK_IS_IMAGE (widget))
    *icon = widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_row (child, labels, icon);
}

/* Row @index of @list says @text, then @detail (none when NULL) in
 * @css_class, beside @icon_name in @css_class. */
static void
assert_row (GtkListBox *list,
            int         index,
            const char *text,
            const char *detail,
            const char *icon_name,
            const char *css_class)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *icon = NULL;

  g_assert_nonnull (row);
  collect_row (GTK_WIDGET (row), labels, &icon);

  g_assert_nonnull (icon);
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, icon_name);
  g_assert_true (gtk_widget_has_css_class (icon, css_class));

  g_assert_cmpuint (labels->len, ==, detail != NULL ? 2 : 1);
  g_assert_cmpstr (gtk_label_get_label (g_ptr_array_index (labels, 0)), ==, text);
  if (detail != NULL)
    {
      GtkWidget *label = g_ptr_array_index (labels, 1);

      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, detail);
      g_assert_true (gtk_widget_has_css_class (label, css_class));
    }
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;

  return n;
}

/* The preview's rows are the shown report's findings, one each. */
static void
assert_rows_are_findings (GodwitStagePreview *preview)
{
  GPtrArray *findings = godwit_stage_report_get_sync_findings (godwit_stage_preview_get_report (preview));
  GtkListBox *list = godwit_stage_preview_get_sync_list (preview);

  g_assert_cmpuint (findings->len, >, 0);
  g_assert_cmpuint (count_rows (list), ==, findings->len);
  for (guint i = 0; i < findings->len; i++)
    {
      const GodwitSyncLintFinding *finding = g_ptr_array_index (findings, i);
      gboolean breaks = finding->severity == GODWIT_SYNC_LINT_BREAKS_SYNC;

      assert_row (list, i, finding->message, breaks ? BREAKS_DETAIL : WARNING_DETAIL,
                  breaks ? "dialog-error-symbolic" : "dialog-warning-symbolic", breaks ? "error" : "warning");
    }
}

/* The demo store, at “Garden 2”: its one step drops Plant.notes, which
 * older peers still send. */
static void
test_demo (Fixture       *fixture,
           gconstpointer  data)
{
  GodwitMigrationsPage *page;
  GodwitStagePreview *preview;
  GtkListBox *list;
  GodwitWindow *window;

  page = open_page (fixture->store, fixture->bundle, &window);
  preview = godwit_migrations_page_get_stage_preview (page);
  list = godwit_stage_preview_get_sync_list (preview);

  g_assert_cmpstr (godwit_stage_preview_get_title (preview), ==, "Step 1 of 1: “Garden 2” → “Garden 3”");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "What devices on the older version notice of the step");
  g_assert_cmpuint (count_rows (list), ==, 1);
  assert_row (list, 0, REMOVED_MESSAGE, BREAKS_DETAIL, "dialog-error-symbolic", "error");
  assert_rows_are_findings (preview);

  /* Closing saves the window as it is. */
  godwit_gui_test_close (window);
}

/* A garden at “Garden”: each step's findings replace the other's. */
static void
test_garden_steps (Fixture       *fixture,
                   gconstpointer  data)
{
  GodwitMigrationsPage *page;
  GodwitStagePreview *preview;
  GtkListBox *list;
  GodwitWindow *window;

  godwit_gui_test_write_garden (fixture->store, "Garden", FALSE);
  page = open_page (fixture->store, fixture->bundle, &window);
  preview = godwit_migrations_page_get_stage_preview (page);
  list = godwit_stage_preview_get_sync_list (preview);

  g_assert_cmpstr (godwit_stage_preview_get_title (preview), ==, "Step 1 of 2: “Garden” → “Garden 2”");
  g_assert_cmpuint (count_rows (list), ==, 1);
  assert_row (list, 0, RENAMED_MESSAGE, BREAKS_DETAIL, "dialog-error-symbolic", "error");
  assert_rows_are_findings (preview);
  godwit_gui_test_save_window (GTK_WIDGET (window));

  show_step (page, 1);
  g_assert_cmpstr (godwit_stage_preview_get_title (preview), ==, "Step 2 of 2: “Garden 2” → “Garden 3”");
  g_assert_cmpuint (count_rows (list), ==, 1);
  assert_row (list, 0, REMOVED_MESSAGE, BREAKS_DETAIL, "dialog-error-symbolic", "error");
  assert_rows_are_findings (preview);

  /* Closing saves the window as it is. */
  godwit_gui_test_close (window);
}

#define POST_ENTITY(attributes) \
  "<entity name=\"Post\" representedClassName=\"Post\" syncable=\"YES\">" attributes "</entity>\n"
#define SUMMARY "<attribute name=\"summary\" optional=\"YES\" attributeType=\"String\"/>"

/* Blog → Blog 2 adds an optional attribute: compatible; in Blog 3 the
 * title becomes optional: a warning. */
static void
test_compatible_and_warning (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *bundle_path = g_build_filename (fixture->dir, "Blog.xcdatamodeld", NULL);
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  GodwitMigrationsPage *page;
  GodwitStagePreview *preview;
  GtkListBox *list;
  GodwitWindow *window;

  bundle = godwit_test_write_bundle (bundle_path,
                                     "Blog", POST_ENTITY ("<attribute name=\"title\" attributeType=\"String\"/>"),
                                     "Blog 2", POST_ENTITY ("<attribute name=\"title\" attributeType=\"String\"/>"
                                                            SUMMARY),
                                     "Blog 3", POST_ENTITY ("<attribute name=\"title\" optional=\"YES\" "
                                                            "attributeType=\"String\"/>" SUMMARY),
                                     NULL);
  writer = godwit_test_writer_new (godwit_model_bundle_find_version (bundle, "Blog"), fixture->store);
  godwit_test_writer_begin (writer);
  godwit_test_insert (writer, "Post", "title", g_variant_new_string ("Hello"), NULL);
  godwit_test_writer_commit (writer);

  page = open_page (fixture->store, bundle_path, &window);
  preview = godwit_migrations_page_get_stage_preview (page);
  list = godwit_stage_preview_get_sync_list (preview);

  g_assert_cmpstr (godwit_stage_preview_get_title (preview), ==, "Step 1 of 2: “Blog” → “Blog 2”");
  g_assert_cmpuint (godwit_stage_report_get_sync_findings (godwit_stage_preview_get_report (preview))->len, ==, 0);
  g_assert_cmpuint (count_rows (list), ==, 1);
  assert_row (list, 0, COMPATIBLE, NULL, "object-select-symbolic", "success");
  godwit_gui_test_save_window (GTK_WIDGET (window));

  show_step (page, 1);
  g_assert_cmpstr (godwit_stage_preview_get_title (preview), ==, "Step 2 of 2: “Blog 2” → “Blog 3”");
  g_assert_cmpuint (count_rows (list), ==, 1);
  assert_row (list, 0, OPTIONAL_MESSAGE, WARNING_DETAIL, "dialog-warning-symbolic", "warning");
  assert_rows_are_findings (preview);

  /* Closing saves the window as it is. */
  godwit_gui_test_close (window);
}

int
main (int   argc,
      char *argv[])
{
  godwit_gui_test_init (&argc, &argv);

  godwit_gui_test_add_on_demo ("/gui/stage-preview/demo", test_demo);
  godwit_gui_test_add ("/gui/stage-preview/garden-steps", test_garden_steps);
  godwit_gui_test_add ("/gui/stage-preview/compatible-and-warning", test_compatible_and_warning);

  return g_test_run ();
}
