/* test-gui-object-list.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The objects browser: its list model against the core's own paging
 * (godwit_store_fetch_objects), inheritance and deleted rows, a store of
 * 100,000 objects read page by page only where the view looks, and the
 * column view and inspector over it.
 */

#include "config.h"

#include <string.h>

#include "godwit-object-item.h"
#include "godwit-object-list.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"
#include "gui-test-utils.h"

#define LARGE_STORE_OBJECTS 100000
/* GTK 4.8's list views keep up to 200 rows around the visible ones: their
 * items, and so their pages, are held. */
#define VIEW_PAGES (200 / GODWIT_OBJECT_LIST_PAGE_SIZE + 1)

/* Every object of the entity as the core pages them, by Z_PK. */
static GPtrArray *
fetch_all (GodwitStore *store,
           const char  *entity_name,
           gboolean     include_subentities)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_object_free);
  gint64 after_pk = 0;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = godwit_store_fetch_objects (store, entity_name, include_subentities,
                                                              after_pk, 37, NULL, &error);

      g_assert_no_error (error);
      if (page->len == 0)
        return all;

      after_pk = ((GodwitObject *) g_ptr_array_index (page, page->len - 1))->pk;

      /* The objects move to @all. */
      g_ptr_array_set_free_func (page, NULL);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, g_ptr_array_index (page, i));
    }
}

static char *
dup_values_text (JsonObject *values)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), values);

  return json_to_string (node, FALSE);
}

static void
assert_same_object (const GodwitObject *object,
                    const GodwitObject *expected)
{
  g_autofree char *attributes = dup_values_text (object->attributes);
  g_autofree char *expected_attributes = dup_values_text (expected->attributes);
  g_autofree char *relationships = dup_values_text (object->relationships);
  g_autofree char *expected_relationships = dup_values_text (expected->relationships);

  g_assert_cmpint (object->pk, ==, expected->pk);
  g_assert_cmpstr (object->entity, ==, expected->entity);
  g_assert_cmpint (object->opt, ==, expected->opt);
  g_assert_cmpstr (object->uri, ==, expected->uri);
  g_assert_cmpstr (attributes, ==, expected_attributes);
  g_assert_cmpstr (relationships, ==, expected_relationships);
}

static gboolean
items_loaded (gpointer data)
{
  GPtrArray *items = data;

  for (guint i = 0; i < items->len; i++)
    if (!godwit_object_item_get_loaded (g_ptr_array_index (items, i)))
      return FALSE;

  return TRUE;
}

/* Items @start to @start + @n - 1, once their pages are read; holding
 * them is what makes the list read their pages. */
static GPtrArray *
get_loaded_items (GListModel *list,
                  guint       start,
                  guint       n)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      GodwitObjectItem *item = g_list_model_get_item (list, start + i);

      g_assert_nonnull (item);
      g_assert_cmpuint (godwit_object_item_get_position (item), ==, start + i);
      g_ptr_array_add (items, item);
    }

  godwit_gui_test_wait_until (items_loaded, items, "pages of objects to be read");

  return items;
}

static void
assert_items (GListModel *list,
              GPtrArray  *expected,
              guint       start,
              guint       n)
{
  g_autoptr(GPtrArray) items = get_loaded_items (list, start, n);

  for (guint i = 0; i < n; i++)
    assert_same_object (godwit_object_item_get_object (g_ptr_array_index (items, i)),
                        g_ptr_array_index (expected, start + i));
}

static GodwitObjectsPage *
show_entity (GodwitWindow *window,
             const char   *entity_name)
{
  GodwitStoreView *view = godwit_window_get_store_view (window);

  godwit_store_view_show_entity (view, entity_name);
  g_assert_cmpstr (godwit_store_view_get_visible_page (view), ==, "objects");

  return godwit_store_view_get_objects_page (view);
}

/* ---- The demo store, with its bundle ------------------------------------ */

static void
test_demo_values (void)
{
  g_autofree char *store_path = godwit_gui_test_demo_store ();
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  GodwitWindow *window = godwit_gui_test_open (store_path, bundle_path);
  GodwitStore *store = godwit_document_get_store (godwit_window_get_document (window));
  g_autoptr(GodwitStore) reference = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GError) error = NULL;
  GodwitObjectsPage *page;
  GListModel *list;
  GListModel *columns;
  const char *titles[] = { "Z_PK", "Entity", "commonName", "notes", "planted", "species" };

  /* The same model, read by the core alone on its own connection. */
  reference = godwit_store_open (store_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_store_set_model (reference, godwit_store_get_model (store), &error));
  g_assert_no_error (error);

  page = show_entity (window, "Plant");
  list = G_LIST_MODEL (godwit_objects_page_get_object_list (page));
  expected = fetch_all (reference, "Plant", TRUE);
  g_assert_cmpuint (expected->len, ==, 60);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, expected->len);
  assert_items (list, expected, 0, expected->len);

  /* A column per attribute of Plant, after the primary key and, as Tree
   * is a sub-entity, the entity. */
  columns = gtk_column_view_get_columns (godwit_objects_page_get_column_view (page));
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, titles[i]);
    }

  godwit_gui_test_close (window);
}

/* Selecting a row shows every attribute and relationship of its object. */
static void
test_inspector (void)
{
  g_autofree char *store_path = godwit_gui_test_demo_store ();
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  GodwitWindow *window = godwit_gui_test_open (store_path, bundle_path);
  GodwitObjectsPage *page = show_entity (window, "Plant");
  GodwitObjectInspector *inspector = godwit_objects_page_get_inspector (page);
  GtkSelectionModel *selection = gtk_column_view_get_model (godwit_objects_page_get_column_view (page));
  g_autoptr(GPtrArray) items = get_loaded_items (G_LIST_MODEL (godwit_objects_page_get_object_list (page)), 0, 60);
  GodwitObjectItem *tree = NULL;
  const GodwitObject *object;
  g_autoptr(GList) attributes = NULL;
  g_autoptr(GList) relationships = NULL;

  for (guint i = 0; i < items->len && tree == NULL; i++)
    if (g_str_equal (godwit_object_item_get_object (g_ptr_array_index (items, i))->entity, "Tree"))
      tree = g_ptr_array_index (items, i);
  g_assert_nonnull (tree);

  gtk_selection_model_select_item (selection, godwit_object_item_get_position (tree), TRUE);
  g_assert_true (godwit_object_inspector_get_item (inspector) == tree);

  object = godwit_object_item_get_object (tree);
  attributes = json_object_get_members (object->attributes);
  relationships = json_object_get_members (object->relationships);
  g_assert_nonnull (g_list_find_custom (attributes, "height", (GCompareFunc) strcmp));
  g_assert_cmpuint (g_list_length (relationships), ==, 2);

  for (GList *l = attributes; l != NULL; l = l->next)
    {
      g_autofree char *text = godwit_object_item_dup_value_text (tree, l->data, 0);

      g_assert_cmpstr (godwit_object_inspector_get_value_text (inspector, l->data), ==, text);
    }
  for (GList *l = relationships; l != NULL; l = l->next)
    {
      g_autofree char *text = godwit_object_item_dup_value_text (tree, l->data, 0);

      g_assert_nonnull (text);
      g_assert_cmpstr (godwit_object_inspector_get_value_text (inspector, l->data), ==, text);
    }

  godwit_gui_test_close (window);
}

/* ---- Inheritance and deleted rows, by position -------------------------- */

/* Items and Specials (a sub-entity of Item) in one table, every seventh
 * row deleted: neither entity's Z_PKs are dense. */
static void
write_mixed_store (GodwitTestStore *test_store)
{
  g_autoptr(GodwitModel) model = godwit_model_new ("Mixed", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *item = godwit_test_add_entity (model, "Item", NULL);
  GodwitEntity *special = godwit_test_add_entity (model, "Special", "Item");
  g_autoptr(GodwitStoreWriter) writer = NULL;

  godwit_test_add_attribute (item, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (special, "rank", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_resolve_model (model);

  godwit_test_store_init (test_store, "Mixed.sqlite");
  writer = godwit_test_store_begin (test_store, model, FALSE);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *name = g_strdup_printf ("object %u", i);

      if (i % 4 == 0)
        godwit_test_insert (writer, "Special", "name", g_variant_new_string (name),
                            "rank", g_variant_new_int64 (i), NULL);
      else
        godwit_test_insert (writer, "Item", "name", g_variant_new_string (name), NULL);
    }
  godwit_test_writer_commit (writer);

  godwit_test_execute_sql (test_store->path, "DELETE FROM ZITEM WHERE Z_PK % 7 = 0", NULL);
}

static void
assert_positions (GodwitStore *store,
                  const char  *entity_name,
                  gboolean     include_subentities)
{
  g_autoptr(GPtrArray) expected = fetch_all (store, entity_name, include_subentities);
  g_autoptr(GodwitObjectList) list = godwit_object_list_new (store, entity_name, include_subentities,
                                                             expected->len);
  guint n = expected->len;
  /* Far pages first, so that each is found by counting from the nearest
   * page known, forwards and backwards. */
  guint positions[] = { n - 1, n / 2, 1, n - n / 3, n / 4, n / 2 - 1 };

  g_assert_cmpuint (n, >, 2 * GODWIT_OBJECT_LIST_PAGE_SIZE);
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    assert_items (G_LIST_MODEL (list), expected, positions[i], 1);

  assert_items (G_LIST_MODEL (list), expected, 0, n);
}

static void
test_positions (void)
{
  GodwitTestStore test_store = { NULL };
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GError) error = NULL;

  write_mixed_store (&test_store);
  store = godwit_store_open (test_store.path, NULL, &error);
  g_assert_no_error (error);

  assert_positions (store, "Item", TRUE);
  assert_positions (store, "Item", FALSE);
  assert_positions (store, "Special", TRUE);

  g_clear_object (&store);
  godwit_test_store_clear (&test_store);
}

/* ---- 100,000 objects ---------------------------------------------------- */

static void
write_large_store (GodwitTestStore *test_store)
{
  g_autoptr(GodwitModel) model = godwit_model_new ("Large", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *entity = godwit_test_add_entity (model, "Reading", NULL);
  g_autoptr(GodwitStoreWriter) writer = NULL;

  godwit_test_add_attribute (entity, "sensor", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "value", GODWIT_ATTRIBUTE_TYPE_INTEGER_64);
  godwit_test_resolve_model (model);

  godwit_test_store_init (test_store, "Large.sqlite");
  writer = godwit_test_store_begin (test_store, model, FALSE);
  for (guint i = 0; i < LARGE_STORE_OBJECTS; i++)
    {
      g_autofree char *sensor = g_strdup_printf ("sensor %u", i);

      godwit_test_insert (writer, "Reading", "sensor", g_variant_new_string (sensor),
                          "value", g_variant_new_int64 (i), NULL);
    }
  godwit_test_writer_commit (writer);
}

typedef struct
{
  GodwitWindow     *window;
  GodwitObjectList *list;
} Shown;

/* Drawn, and no page being read. */
static gboolean
list_settled (gpointer data)
{
  Shown *shown = data;

  godwit_gui_test_flush (GTK_WIDGET (shown->window));

  return !godwit_object_list_get_loading (shown->list);
}

static void
test_large_store (void)
{
  GodwitTestStore test_store = { NULL };
  g_autoptr(GodwitObjectItem) last = NULL;
  const GodwitObject *object;
  GodwitObjectsPage *page;
  GodwitObjectList *list;
  GtkColumnView *view;
  GtkAdjustment *adjustment;
  GodwitWindow *window;
  guint fetched;
  Shown shown;

  write_large_store (&test_store);
  window = godwit_gui_test_open (test_store.path, NULL);
  page = show_entity (window, "Reading");
  list = godwit_objects_page_get_object_list (page);
  view = godwit_objects_page_get_column_view (page);
  shown.window = window;
  shown.list = list;

  /* The count was taken when the store was opened: nothing is read yet. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, LARGE_STORE_OBJECTS);
  g_assert_cmpuint (godwit_object_list_get_n_fetched_pages (list), ==, 0);

  /* The last object: its page, and the first one the view shows. */
  last = g_list_model_get_item (G_LIST_MODEL (list), LARGE_STORE_OBJECTS - 1);
  g_assert_false (godwit_object_item_get_loaded (last));
  godwit_gui_test_wait_until (list_settled, &shown, "the last page");
  object = godwit_object_item_get_object (last);
  g_assert_nonnull (object);
  g_assert_cmpint (object->pk, ==, LARGE_STORE_OBJECTS);
  g_assert_true (json_object_has_member (object->attributes, "ZSENSOR"));
  g_assert_cmpstr (json_object_get_string_member (object->attributes, "ZSENSOR"), ==, "sensor 99999");
  fetched = godwit_object_list_get_n_fetched_pages (list);
  g_assert_cmpuint (fetched, >=, 2);
  g_assert_cmpuint (fetched, <=, 1 + VIEW_PAGES);

  /* Scrolling to the end reads the pages shown there, not those passed. */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  godwit_gui_test_wait_until (list_settled, &shown, "the pages at the end");
  g_assert_cmpuint (godwit_object_list_get_n_fetched_pages (list), <=, fetched + VIEW_PAGES);

  /* And on to the middle. */
  fetched = godwit_object_list_get_n_fetched_pages (list);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
  godwit_gui_test_wait_until (list_settled, &shown, "the pages in the middle");
  g_assert_cmpuint (godwit_object_list_get_n_fetched_pages (list), <=, fetched + VIEW_PAGES);
  g_assert_cmpuint (godwit_object_list_get_n_cached_pages (list), <=, 32 + VIEW_PAGES);

  godwit_gui_test_screenshot (GTK_WIDGET (window), g_test_get_filename (G_TEST_BUILT, "godwit-large-store.png", NULL));

  g_clear_object (&last);
  godwit_gui_test_close (window);
  godwit_test_store_clear (&test_store);
}

int
main (int   argc,
      char *argv[])
{
  godwit_gui_test_init (&argc, &argv);

  g_test_add_func ("/gui/object-list/demo-values", test_demo_values);
  g_test_add_func ("/gui/object-list/inspector", test_inspector);
  g_test_add_func ("/gui/object-list/positions", test_positions);
  g_test_add_func ("/gui/object-list/large-store", test_large_store);

  return g_test_run ();
}
