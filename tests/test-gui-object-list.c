/* test-gui-object-list.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The objects browser: its list model against the core's own paging
 * (godwit_store_fetch_objects), inheritance and deleted rows, a store of
 * 100,000 objects read page by page only where the view looks, and the
 * column view and inspector over it; sorting by a column, the search bar,
 * and following relationships, from the inspector and from their cells,
 * back and forth through the history.
 */

#include "config.h"

#include <string.h>

#include "godwit-object-item.h"
#include "godwit-object-list.h"
#include "godwit-sidebar-row.h"
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
  const char *titles[] = { "Z_PK", "Entity", "commonName", "notes", "planted", "species", "bed", "gardeners" };

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
   * is a sub-entity, the entity; then one per relationship. */
  columns = gtk_column_view_get_columns (godwit_objects_page_get_column_view (page));
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, titles[i]);
    }

  godwit_gui_test_close (window);
}

static gboolean
has_value_columns (gpointer data)
{
  return g_list_model_get_n_items (gtk_column_view_get_columns (data)) > 2;
}

/* Without a model the columns are the attributes of the first page's
 * objects, added once that page is read. */
static void
test_tables_only (void)
{
  g_autofree char *store_path = godwit_gui_test_demo_store ();
  GodwitWindow *window = godwit_gui_test_open (store_path, NULL);
  GodwitObjectsPage *page = show_entity (window, "Plant");
  GtkColumnView *view = godwit_objects_page_get_column_view (page);
  GListModel *list = G_LIST_MODEL (godwit_objects_page_get_object_list (page));
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_columns;

  g_assert_null (godwit_store_get_model (godwit_document_get_store (godwit_window_get_document (window))));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 60);
  godwit_gui_test_wait_until (has_value_columns, view, "the columns of the first page's attributes");

  /* Every attribute of every object of the page, once, after Z_PK and
   * the entity. */
  items = get_loaded_items (list, 0, MIN (60, GODWIT_OBJECT_LIST_PAGE_SIZE));
  for (guint i = 0; i < items->len; i++)
    {
      const GodwitObject *object = godwit_object_item_get_object (g_ptr_array_index (items, i));
      g_autoptr(GList) members = json_object_get_members (object->attributes);

      for (GList *l = members; l != NULL; l = l->next)
        g_hash_table_add (names, l->data);
    }
  n_columns = g_list_model_get_n_items (columns);
  g_assert_cmpuint (n_columns, ==, 2 + g_hash_table_size (names));
  for (guint i = 2; i < n_columns; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_true (g_hash_table_contains (names, gtk_column_view_column_get_title (column)));
    }

  godwit_gui_test_save_window (GTK_WIDGET (window));
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

  /* And on to the middle: where GTK's estimate of the rows' heights puts
   * it, then where their real heights do, one page further at most. */
  fetched = godwit_object_list_get_n_fetched_pages (list);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
  godwit_gui_test_wait_until (list_settled, &shown, "the pages in the middle");
  g_assert_cmpuint (godwit_object_list_get_n_fetched_pages (list), <=, fetched + VIEW_PAGES + 1);
  g_assert_cmpuint (godwit_object_list_get_n_cached_pages (list), <=, 32 + VIEW_PAGES);

  godwit_gui_test_screenshot (GTK_WIDGET (window), g_test_get_filename (G_TEST_BUILT, "godwit-large-store.png", NULL));

  g_clear_object (&last);
  godwit_gui_test_close (window);
  godwit_test_store_clear (&test_store);
}

/* ---- Sorting, searching and following relationships -------------------- */

typedef struct
{
  GodwitWindow      *window;
  GodwitObjectsPage *page;
} Browser;

/* Counted, drawn, and no page being read. */
static gboolean
browser_settled (gpointer data)
{
  Browser *browser = data;
  GodwitObjectList *list = godwit_objects_page_get_object_list (browser->page);

  godwit_gui_test_flush (GTK_WIDGET (browser->window));

  return list != NULL && godwit_object_list_get_counted (list) && !godwit_object_list_get_loading (list);
}

static void
wait_settled (Browser *browser)
{
  godwit_gui_test_wait_until (browser_settled, browser, "the objects to be listed");
}

static GtkSingleSelection *
get_selection (Browser *browser)
{
  return GTK_SINGLE_SELECTION (gtk_column_view_get_model (godwit_objects_page_get_column_view (browser->page)));
}

typedef struct
{
  Browser *browser;
  gint64   pk;
} Selected;

static gboolean
object_selected (gpointer data)
{
  Selected *selected = data;
  GodwitObjectItem *item = gtk_single_selection_get_selected_item (get_selection (selected->browser));
  const GodwitObject *object = item != NULL ? godwit_object_item_get_object (item) : NULL;

  return browser_settled (selected->browser) && object != NULL && object->pk == selected->pk;
}

/* Waits until the object @pk of @entity_name is selected and shown in
 * the inspector, its entity selected in the sidebar. */
static void
wait_selected (Browser    *browser,
               const char *entity_name,
               gint64      pk)
{
  GodwitStoreView *view = godwit_window_get_store_view (browser->window);
  Selected selected = { browser, pk };
  GodwitObjectItem *shown;
  GtkListBoxRow *row;

  godwit_gui_test_wait_until (object_selected, &selected, "the object to be selected");

  g_assert_cmpstr (godwit_object_list_get_entity_name (godwit_objects_page_get_object_list (browser->page)), ==,
                   entity_name);
  g_assert_cmpstr (godwit_store_view_get_visible_page (view), ==, "objects");
  row = gtk_list_box_get_selected_row (godwit_store_view_get_sidebar (view));
  g_assert_cmpstr (godwit_sidebar_row_get_entity (GODWIT_SIDEBAR_ROW (row)), ==, entity_name);
  shown = godwit_object_inspector_get_item (godwit_objects_page_get_inspector (browser->page));
  g_assert_nonnull (shown);
  g_assert_cmpint (godwit_object_item_get_object (shown)->pk, ==, pk);
}

/* The loaded object at @position of the list shown. */
static const GodwitObject *
shown_object (Browser *browser,
              guint    position)
{
  GListModel *list = G_LIST_MODEL (godwit_objects_page_get_object_list (browser->page));
  g_autoptr(GPtrArray) items = get_loaded_items (list, position, 1);
  const GodwitObject *object = godwit_object_item_get_object (g_ptr_array_index (items, 0));

  /* The list keeps the page while the view shows it. */
  g_assert_nonnull (object);

  return object;
}

static const char *
string_member (JsonObject *values,
               const char *name)
{
  JsonNode *node = json_object_get_member (values, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

/* As SQLite orders them: NULL first, then by their bytes; ties by Z_PK. */
static int
compare_common_names (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  const GodwitObject *object_a = *(const GodwitObject * const *) a;
  const GodwitObject *object_b = *(const GodwitObject * const *) b;
  const char *name_a = string_member (object_a->attributes, "commonName");
  const char *name_b = string_member (object_b->attributes, "commonName");
  int result;

  if (name_a == NULL || name_b == NULL)
    result = (name_a != NULL) - (name_b != NULL);
  else
    result = strcmp (name_a, name_b);

  if (result != 0)
    return result * GPOINTER_TO_INT (user_data);

  return object_a->pk < object_b->pk ? -1 : object_a->pk > object_b->pk;
}

static GPtrArray *
sorted_by_common_name (GodwitStore *reference,
                       gboolean     ascending)
{
  GPtrArray *objects = fetch_all (reference, "Plant", TRUE);
  int direction = ascending ? 1 : -1;

  g_ptr_array_sort_with_data (objects, compare_common_names, GINT_TO_POINTER (direction));

  return objects;
}

static void
test_sort (void)
{
  g_autofree char *store_path = godwit_gui_test_demo_store ();
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  GodwitWindow *window = godwit_gui_test_open (store_path, bundle_path);
  GodwitStore *store = godwit_document_get_store (godwit_window_get_document (window));
  Browser browser = { window, show_entity (window, "Plant") };
  GtkColumnView *view = godwit_objects_page_get_column_view (browser.page);
  g_autoptr(GodwitStore) reference = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GtkColumnViewColumn) name_column = NULL;

  reference = godwit_store_open (store_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_store_set_model (reference, godwit_store_get_model (store), &error));

  /* Z_PK, Entity, commonName, …: every column but the entity's sorts. */
  name_column = g_list_model_get_item (columns, 2);
  g_assert_cmpstr (gtk_column_view_column_get_title (name_column), ==, "commonName");
  g_assert_nonnull (gtk_column_view_column_get_sorter (name_column));
  wait_settled (&browser);
  g_assert_cmpint (shown_object (&browser, 0)->pk, ==, 1);

  for (guint ascending = 2; ascending-- > 0;)
    {
      g_autoptr(GPtrArray) expected = sorted_by_common_name (reference, ascending);
      GodwitFetchRequest *request;
      gboolean request_ascending;

      /* What a click on the header does. */
      gtk_column_view_sort_by_column (view, name_column, ascending ? GTK_SORT_ASCENDING : GTK_SORT_DESCENDING);
      wait_settled (&browser);

      /* Sorted by the core, in SQLite: the list is a request's. */
      request = godwit_object_list_get_fetch_request (godwit_objects_page_get_object_list (browser.page));
      g_assert_cmpuint (godwit_fetch_request_get_n_sort_descriptors (request), ==, 1);
      g_assert_cmpstr (godwit_fetch_request_get_sort_descriptor (request, 0, &request_ascending), ==, "commonName");
      g_assert_true (request_ascending == ascending);
      g_assert_cmpstr (godwit_objects_page_get_count_text (browser.page), ==, "60 objects");

      for (guint i = 0; i < 5; i++)
        {
          const GodwitObject *object = shown_object (&browser, i);
          GodwitObject *want = g_ptr_array_index (expected, i);

          g_assert_cmpint (object->pk, ==, want->pk);
          g_assert_cmpstr (string_member (object->attributes, "commonName"), ==,
                           string_member (want->attributes, "commonName"));
        }
      assert_items (G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page)), expected, 0, expected->len);
    }

  /* Apple ‘Bramley’ first, Wood anemone last: the real first rows. */
  g_assert_cmpstr (string_member (shown_object (&browser, 0)->attributes, "commonName"), ==, "Wood anemone");
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-objects-sorted");

  gtk_column_view_sort_by_column (view, name_column, GTK_SORT_ASCENDING);
  wait_settled (&browser);
  g_assert_cmpstr (string_member (shown_object (&browser, 0)->attributes, "commonName"), ==, "Apple ‘Bramley’");

  godwit_gui_test_close (window);
}

/* Whether a string attribute of @object contains @folded, case aside. */
static gboolean
object_matches (GodwitModel        *model,
                const GodwitObject *object,
                const char         *folded)
{
  GodwitEntity *entity = godwit_model_get_entity (model, object->entity);
  g_autoptr(GList) members = json_object_get_members (object->attributes);

  for (GList *l = members; l != NULL; l = l->next)
    {
      GodwitProperty *property = godwit_entity_find_property (entity, l->data);
      const char *text = string_member (object->attributes, l->data);
      g_autofree char *casefolded = NULL;

      if (property->attribute_type != GODWIT_ATTRIBUTE_TYPE_STRING || text == NULL)
        continue;

      casefolded = g_utf8_casefold (text, -1);
      if (strstr (casefolded, folded) != NULL)
        return TRUE;
    }

  return FALSE;
}

static gboolean
search_applied (gpointer data)
{
  Browser *browser = data;
  GodwitObjectList *list = godwit_objects_page_get_object_list (browser->page);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (godwit_objects_page_get_search_entry (browser->page)));
  const char *request_text = godwit_fetch_request_get_text_predicate (godwit_object_list_get_fetch_request (list));

  return g_strcmp0 (request_text, *text != '\0' ? text : NULL) == 0 && browser_settled (browser);
}

static void
search (Browser    *browser,
        const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (godwit_objects_page_get_search_entry (browser->page)), text);
  godwit_gui_test_wait_until (search_applied, browser, "the search to be applied");
}

static void
test_filter (void)
{
  g_autofree char *store_path = godwit_gui_test_demo_store ();
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  GodwitWindow *window = godwit_gui_test_open (store_path, bundle_path);
  GodwitModel *model = godwit_store_get_model (godwit_document_get_store (godwit_window_get_document (window)));
  Browser browser = { window, show_entity (window, "Plant") };
  GtkSearchBar *search_bar = godwit_objects_page_get_search_bar (browser.page);
  GtkSearchEntry *entry = godwit_objects_page_get_search_entry (browser.page);
  GListModel *list;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autofree char *count_text = NULL;
  GtkWidget *focus;

  wait_settled (&browser);
  all = get_loaded_items (G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page)), 0, 60);
  for (guint i = 0; i < all->len; i++)
    {
      const GodwitObject *object = godwit_object_item_get_object (g_ptr_array_index (all, i));

      if (object_matches (model, object, "salvia"))
        g_ptr_array_add (expected, (gpointer) object);
    }
  /* Rosemary and Sage by their species, Salvia ‘Caradonna’ by both. */
  g_assert_cmpuint (expected->len, ==, 3);

  /* Ctrl+F shows the search bar, ready to type in. */
  g_assert_false (gtk_search_bar_get_search_mode (search_bar));
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (window), GDK_KEY_f, GDK_CONTROL_MASK));
  g_assert_true (gtk_search_bar_get_search_mode (search_bar));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (focus != NULL && (focus == GTK_WIDGET (entry) || gtk_widget_is_ancestor (focus, GTK_WIDGET (entry))));

  search (&browser, "SALVIA");
  list = G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    assert_same_object (shown_object (&browser, i), g_ptr_array_index (expected, i));
  count_text = g_strdup_printf ("%u of 60 objects", expected->len);
  g_assert_cmpstr (godwit_objects_page_get_count_text (browser.page), ==, count_text);
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-objects-filtered");

  /* A number is a Z_PK too. */
  search (&browser, "12");
  list = G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_assert_cmpint (shown_object (&browser, 0)->pk, ==, 12);

  search (&browser, "no plant is called this");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page))), ==, 0);
  g_assert_cmpstr (godwit_objects_page_get_count_text (browser.page), ==, "0 of 60 objects");

  /* Escape clears the filter and closes the bar. */
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (entry), GDK_KEY_Escape, 0));
  godwit_gui_test_wait_until (search_applied, &browser, "the search to be cleared");
  g_assert_false (gtk_search_bar_get_search_mode (search_bar));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_true (godwit_fetch_request_fetches_all_by_pk (
    godwit_object_list_get_fetch_request (godwit_objects_page_get_object_list (browser.page))));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page))), ==, 60);
  g_assert_cmpstr (godwit_objects_page_get_count_text (browser.page), ==, "60 objects");

  godwit_gui_test_close (window);
}

/* The first plant that @relationship leads somewhere from. */
static const GodwitObject *
find_plant_with (GPtrArray  *items,
                 const char *relationship,
                 guint      *position)
{
  for (guint i = 0; i < items->len; i++)
    {
      const GodwitObject *object = godwit_object_item_get_object (g_ptr_array_index (items, i));
      JsonNode *node = json_object_get_member (object->relationships, relationship);

      if ((JSON_NODE_HOLDS_VALUE (node) && i > 3) ||
          (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 1))
        {
          *position = i;
          return object;
        }
    }

  g_assert_not_reached ();
}

static void
select_position (Browser *browser,
                 guint    position)
{
  gtk_single_selection_set_selected (get_selection (browser), position);
}

static void
activate_relationship (Browser    *browser,
                       const char *name)
{
  GodwitObjectInspector *inspector = godwit_objects_page_get_inspector (browser->page);
  GodwitValueRow *row = godwit_object_inspector_get_value_row (inspector, name);

  g_assert_nonnull (row);
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
}

static void
test_follow_to_one (void)
{
  g_autofree char *store_path = godwit_gui_test_demo_store ();
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  GodwitWindow *window = godwit_gui_test_open (store_path, bundle_path);
  GodwitStore *store = godwit_document_get_store (godwit_window_get_document (window));
  Browser browser = { window, show_entity (window, "Plant") };
  GtkColumnView *view = godwit_objects_page_get_column_view (browser.page);
  g_autoptr(GtkColumnViewColumn) name_column = g_list_model_get_item (gtk_column_view_get_columns (view), 2);
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *bed_entity = NULL;
  const GodwitObject *plant;
  GodwitFetchRequest *request;
  gboolean ascending;
  gint64 plant_pk;
  gint64 bed_pk;
  guint position;

  /* A sorted and filtered list, to be found again as it was left. */
  g_assert_false (godwit_objects_page_get_can_go_back (browser.page));
  gtk_column_view_sort_by_column (view, name_column, GTK_SORT_DESCENDING);
  godwit_objects_page_find (browser.page);
  search (&browser, "o");
  items = get_loaded_items (G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page)), 0,
                            g_list_model_get_n_items (G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page))));
  plant = find_plant_with (items, "bed", &position);
  plant_pk = plant->pk;
  g_assert_true (godwit_store_parse_object_uri (store, string_member (plant->relationships, "bed"),
                                                &bed_entity, &bed_pk));
  g_assert_cmpstr (bed_entity, ==, "Bed");
  select_position (&browser, position);
  wait_selected (&browser, "Plant", plant_pk);

  /* The bed, selected in the list of beds. */
  activate_relationship (&browser, "bed");
  wait_selected (&browser, "Bed", bed_pk);
  g_assert_true (godwit_objects_page_get_can_go_back (browser.page));
  g_assert_false (godwit_objects_page_get_can_go_forward (browser.page));
  g_assert_false (gtk_search_bar_get_search_mode (godwit_objects_page_get_search_bar (browser.page)));
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-objects-to-one");

  /* Alt+Left: the plants again, sorted, filtered and selected as left. */
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (window), GDK_KEY_Left, GDK_ALT_MASK));
  wait_selected (&browser, "Plant", plant_pk);
  request = godwit_object_list_get_fetch_request (godwit_objects_page_get_object_list (browser.page));
  g_assert_cmpstr (godwit_fetch_request_get_text_predicate (request), ==, "o");
  g_assert_cmpstr (godwit_fetch_request_get_sort_descriptor (request, 0, &ascending), ==, "commonName");
  g_assert_false (ascending);
  g_assert_true (gtk_search_bar_get_search_mode (godwit_objects_page_get_search_bar (browser.page)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (godwit_objects_page_get_search_entry (browser.page))), ==, "o");
  g_assert_false (godwit_objects_page_get_can_go_back (browser.page));
  g_assert_true (godwit_objects_page_get_can_go_forward (browser.page));
  /* Nothing further back: the key goes on to whatever else wants it. */
  g_assert_false (godwit_gui_test_press_key (GTK_WIDGET (window), GDK_KEY_Left, GDK_ALT_MASK));

  /* Alt+Right: the bed again. */
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (window), GDK_KEY_Right, GDK_ALT_MASK));
  wait_selected (&browser, "Bed", bed_pk);
  g_assert_false (godwit_objects_page_get_can_go_forward (browser.page));

  godwit_gui_test_close (window);
}

static int
compare_pks (gconstpointer a,
             gconstpointer b)
{
  gint64 pk_a = *(const gint64 *) a;
  gint64 pk_b = *(const gint64 *) b;

  return pk_a < pk_b ? -1 : pk_a > pk_b;
}

static void
test_follow_to_many (void)
{
  g_autofree char *store_path = godwit_gui_test_demo_store ();
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  GodwitWindow *window = godwit_gui_test_open (store_path, bundle_path);
  GodwitStore *store = godwit_document_get_store (godwit_window_get_document (window));
  Browser browser = { window, show_entity (window, "Plant") };
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GArray) gardener_pks = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *description = NULL;
  g_autofree char *count_text = NULL;
  const GodwitObject *plant;
  JsonArray *gardeners;
  GListModel *list;
  gint64 plant_pk;
  guint position;

  wait_settled (&browser);
  items = get_loaded_items (G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page)), 0, 60);
  plant = find_plant_with (items, "gardeners", &position);
  plant_pk = plant->pk;
  gardeners = json_object_get_array_member (plant->relationships, "gardeners");
  for (guint i = 0; i < json_array_get_length (gardeners); i++)
    {
      gint64 pk;

      g_assert_true (godwit_store_parse_object_uri (store, json_array_get_string_element (gardeners, i), NULL, &pk));
      g_array_append_val (gardener_pks, pk);
    }
  g_array_sort (gardener_pks, compare_pks);
  select_position (&browser, position);
  wait_selected (&browser, "Plant", plant_pk);

  /* The gardeners' list, filtered to the plant's gardeners, in Z_PK order. */
  activate_relationship (&browser, "gardeners");
  godwit_gui_test_wait_until (browser_settled, &browser, "the gardeners to be listed");
  list = G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page));
  g_assert_cmpstr (godwit_object_list_get_entity_name (GODWIT_OBJECT_LIST (list)), ==, "Gardener");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, gardener_pks->len);
  for (guint i = 0; i < gardener_pks->len; i++)
    {
      const GodwitObject *gardener = shown_object (&browser, i);
      JsonArray *plants = json_object_get_array_member (gardener->relationships, "plants");
      g_autofree char *plant_uri = godwit_store_dup_object_uri (store, plant->entity, plant_pk);
      gboolean tends = FALSE;

      g_assert_cmpint (gardener->pk, ==, g_array_index (gardener_pks, gint64, i));
      for (guint j = 0; j < json_array_get_length (plants); j++)
        tends |= g_str_equal (json_array_get_string_element (plants, j), plant_uri);
      g_assert_true (tends);
    }
  description = g_strdup_printf ("gardeners of %s p%" G_GINT64_FORMAT, plant->entity, plant_pk);
  g_assert_cmpstr (godwit_objects_page_get_pks_description (browser.page), ==, description);
  count_text = g_strdup_printf ("%u of %" G_GINT64_FORMAT " objects", gardener_pks->len,
                                godwit_document_get_object_count (godwit_window_get_document (window), "Gardener"));
  g_assert_cmpstr (godwit_objects_page_get_count_text (browser.page), ==, count_text);
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-objects-to-many");

  /* Back to the plant, then forward to its gardeners again, through the
   * window's actions as the header bar's buttons activate them. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  wait_selected (&browser, "Plant", plant_pk);
  g_assert_null (godwit_objects_page_get_pks_description (browser.page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-forward", NULL));
  godwit_gui_test_wait_until (browser_settled, &browser, "the gardeners to be listed again");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page))),
                    ==, gardener_pks->len);
  g_assert_cmpstr (godwit_objects_page_get_pks_description (browser.page), ==, description);

  godwit_gui_test_close (window);
}

/* ---- Relationship cells ------------------------------------------------- */

/* The widget of the cell of the column titled @title in the row of the
 * object @pk, or NULL when the list view does not show that row. A row's
 * cells are in the columns' order, the Z_PK's first. */
static GtkWidget *
find_cell (GodwitObjectsPage *page,
           gint64             pk,
           const char        *title)
{
  GtkColumnView *view = godwit_objects_page_get_column_view (page);
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autofree char *pk_text = g_strdup_printf ("%" G_GINT64_FORMAT, pk);
  GtkWidget *list_view = NULL;
  guint index = G_MAXUINT;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        index = i;
    }
  g_assert_cmpuint (index, !=, G_MAXUINT);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      list_view = child;
  g_assert_nonnull (list_view);

  for (GtkWidget *row = gtk_widget_get_first_child (list_view); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *cell = gtk_widget_get_first_child (row);
      GtkWidget *pk_cell = cell != NULL ? gtk_widget_get_first_child (cell) : NULL;

      if (!gtk_widget_get_visible (row) || !GTK_IS_INSCRIPTION (pk_cell) ||
          g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (pk_cell)), pk_text) != 0)
        continue;

      for (guint i = 0; i < index && cell != NULL; i++)
        cell = gtk_widget_get_next_sibling (cell);
      g_assert_nonnull (cell);

      return gtk_widget_get_first_child (cell);
    }

  return NULL;
}

/* A relationship's cell: its text, a link that says where it leads, or
 * dim text that leads nowhere. */
static GtkWidget *
assert_relationship_cell (GodwitObjectsPage *page,
                          gint64             pk,
                          const char        *name,
                          const char        *text,
                          gboolean           leads)
{
  GtkWidget *cell = find_cell (page, pk, name);

  g_assert_nonnull (cell);
  g_assert_true (GTK_IS_INSCRIPTION (cell));
  g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (cell)), ==, text);
  g_assert_true (gtk_widget_get_focusable (cell) == leads);
  g_assert_true (gtk_widget_has_css_class (cell, "dim-label") == !leads);
  g_assert_true (gtk_widget_has_css_class (cell, "godwit-link") == leads);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_ROLE_LINK);

  if (leads)
    {
      g_autofree char *label = g_strdup_printf ("Go to %s", text);

      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
    }

  return cell;
}

/* What a click on a cell's link, or Enter on it, does. */
static void
click_link (GtkWidget *cell)
{
  g_assert_true (gtk_widget_activate_action (cell, "cell.follow", NULL));
}

/* Every Plant row shown has its bed and its gardeners in its cells, as the
 * objects the core reads have them. */
static void
test_demo_relationship_cells (void)
{
  g_autofree char *store_path = godwit_gui_test_demo_store ();
  g_autofree char *bundle_path = godwit_gui_test_demo_bundle ();
  GodwitWindow *window = godwit_gui_test_open (store_path, bundle_path);
  GodwitStore *store = godwit_document_get_store (godwit_window_get_document (window));
  Browser browser = { window, show_entity (window, "Plant") };
  GListModel *columns = gtk_column_view_get_columns (godwit_objects_page_get_column_view (browser.page));
  g_autoptr(GPtrArray) items = NULL;
  GtkAdjustment *adjustment;
  guint n_shown = 0;

  /* Relationships have no order to sort by. */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);

      if (g_str_equal (title, "bed") || g_str_equal (title, "gardeners"))
        g_assert_null (gtk_column_view_column_get_sorter (column));
    }

  wait_settled (&browser);
  items = get_loaded_items (G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page)), 0, 60);
  godwit_gui_test_flush (GTK_WIDGET (window));

  for (guint i = 0; i < items->len; i++)
    {
      const GodwitObject *plant = godwit_object_item_get_object (g_ptr_array_index (items, i));
      JsonNode *bed = json_object_get_member (plant->relationships, "bed");
      guint n_gardeners = json_array_get_length (json_object_get_array_member (plant->relationships, "gardeners"));
      g_autofree char *bed_text = NULL;
      g_autofree char *gardeners_text = NULL;
      g_autofree char *bed_entity = NULL;
      gint64 bed_pk = 0;

      if (find_cell (browser.page, plant->pk, "bed") == NULL)
        continue;

      if (!JSON_NODE_HOLDS_NULL (bed))
        {
          g_assert_true (godwit_store_parse_object_uri (store, json_node_get_string (bed), &bed_entity, &bed_pk));
          bed_text = g_strdup_printf ("%s p%" G_GINT64_FORMAT, bed_entity, bed_pk);
        }
      assert_relationship_cell (browser.page, plant->pk, "bed", bed_text != NULL ? bed_text : "", bed_text != NULL);

      gardeners_text = g_strdup_printf (n_gardeners == 1 ? "%u Gardener object" : "%u Gardener objects", n_gardeners);
      assert_relationship_cell (browser.page, plant->pk, "gardeners", gardeners_text, n_gardeners > 0);
      n_shown++;
    }

  /* The rows of the window's height, at least. */
  g_assert_cmpuint (n_shown, >=, 10);

  /* Scrolled to the relationships' columns, for the picture. */
  adjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (godwit_objects_page_get_column_view (browser.page)));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  godwit_gui_test_flush (GTK_WIDGET (window));
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-objects-relationship-cells");

  godwit_gui_test_close (window);
}

/* Authors keep their books in order: Book.author (a to-one) and
 * Author.books (an ordered to-many). */
static const char library_entities[] =
  "<entity name=\"Author\" representedClassName=\"Author\" syncable=\"YES\">"
  "<attribute name=\"name\" attributeType=\"String\"/>"
  "<relationship name=\"books\" optional=\"YES\" toMany=\"YES\" ordered=\"YES\" deletionRule=\"Nullify\" "
  "destinationEntity=\"Book\" inverseName=\"author\" inverseEntity=\"Book\"/>"
  "</entity>"
  "<entity name=\"Book\" representedClassName=\"Book\" syncable=\"YES\">"
  "<attribute name=\"title\" attributeType=\"String\"/>"
  "<relationship name=\"author\" optional=\"YES\" maxCount=\"1\" deletionRule=\"Nullify\" "
  "destinationEntity=\"Author\" inverseName=\"books\" inverseEntity=\"Author\"/>"
  "</entity>";

typedef struct
{
  GodwitTestStore test_store;
  char           *bundle_path;
  gint64          authors[3];   /* three books, one, none */
  gint64          books[5];     /* the last without an author */
} Library;

static void
library_write (Library *library)
{
  static const char * const names[] = { "Ursula", "Italo", "Jorge" };
  static const char * const titles[] = { "A Wizard of Earthsea", "The Tombs of Atuan", "The Farthest Shore",
                                         "Invisible Cities", "Anonymous Poems" };
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;

  godwit_test_store_init (&library->test_store, "Library.sqlite");
  library->bundle_path = g_build_filename (library->test_store.dir, "Library.xcdatamodeld", NULL);
  bundle = godwit_test_write_bundle (library->bundle_path, "Library", library_entities, NULL);
  writer = godwit_test_store_begin (&library->test_store, godwit_test_find_version (bundle, "Library"), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (library->authors); i++)
    library->authors[i] = godwit_test_insert (writer, "Author", "name", g_variant_new_string (names[i]), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (library->books); i++)
    library->books[i] = godwit_test_insert (writer, "Book", "title", g_variant_new_string (titles[i]), NULL);

  /* Ordered: the third book first. */
  godwit_test_relate (writer, "Author", library->authors[0], "books", "Book", library->books[2]);
  godwit_test_relate (writer, "Author", library->authors[0], "books", "Book", library->books[0]);
  godwit_test_relate (writer, "Author", library->authors[0], "books", "Book", library->books[1]);
  godwit_test_relate (writer, "Author", library->authors[1], "books", "Book", library->books[3]);
  godwit_test_writer_commit (writer);
}

static void
library_clear (Library *library)
{
  godwit_test_store_clear (&library->test_store);
  g_clear_pointer (&library->bundle_path, g_free);
}

static void
assert_titles (GodwitObjectsPage  *page,
               const char * const *titles)
{
  GListModel *columns = gtk_column_view_get_columns (godwit_objects_page_get_column_view (page));

  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, g_strv_length ((char **) titles));
  for (guint i = 0; titles[i] != NULL; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, titles[i]);
    }
}

static void
test_relationship_cells (void)
{
  static const char * const author_titles[] = { "Z_PK", "name", "books", NULL };
  static const char * const book_titles[] = { "Z_PK", "title", "author", NULL };
  Library library = { { NULL } };
  g_autofree char *author_text = NULL;
  g_autofree char *description = NULL;
  GodwitFetchRequest *request;
  GodwitWindow *window;
  GtkWidget *cell;
  GListModel *list;
  Browser browser;

  library_write (&library);
  window = godwit_gui_test_open (library.test_store.path, library.bundle_path);
  browser.window = window;

  /* The attributes' columns, then the relationships'. */
  browser.page = show_entity (window, "Author");
  wait_settled (&browser);
  assert_titles (browser.page, author_titles);
  assert_relationship_cell (browser.page, library.authors[0], "books", "3 Book objects", TRUE);
  assert_relationship_cell (browser.page, library.authors[1], "books", "1 Book object", TRUE);
  assert_relationship_cell (browser.page, library.authors[2], "books", "0 Book objects", FALSE);

  show_entity (window, "Book");
  wait_settled (&browser);
  assert_titles (browser.page, book_titles);
  author_text = g_strdup_printf ("Author p%" G_GINT64_FORMAT, library.authors[0]);
  for (guint i = 0; i < 3; i++)
    assert_relationship_cell (browser.page, library.books[i], "author", author_text, TRUE);
  assert_relationship_cell (browser.page, library.books[4], "author", "", FALSE);
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-objects-to-one-cells");

  /* A to-one, from the keyboard: its object, selected in its entity's
   * list; the book whose cell it was is the one selected coming back. */
  cell = assert_relationship_cell (browser.page, library.books[1], "author", author_text, TRUE);
  g_assert_true (gtk_widget_grab_focus (cell));
  g_assert_true (godwit_gui_test_press_key (cell, GDK_KEY_Return, 0));
  wait_selected (&browser, "Author", library.authors[0]);
  g_assert_true (godwit_objects_page_get_can_go_back (browser.page));
  g_assert_false (godwit_objects_page_get_can_go_forward (browser.page));
  /* The keyboard goes on in the list of authors. */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         GTK_WIDGET (godwit_objects_page_get_column_view (browser.page))));

  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (window), GDK_KEY_Left, GDK_ALT_MASK));
  wait_selected (&browser, "Book", library.books[1]);
  g_assert_true (godwit_objects_page_get_can_go_forward (browser.page));

  /* An ordered to-many, clicked: the books' list filtered to the author's
   * books, in Z_PK order as any filtered list. */
  show_entity (window, "Author");
  wait_settled (&browser);
  cell = assert_relationship_cell (browser.page, library.authors[0], "books", "3 Book objects", TRUE);
  click_link (cell);
  godwit_gui_test_wait_until (browser_settled, &browser, "the author's books to be listed");
  list = G_LIST_MODEL (godwit_objects_page_get_object_list (browser.page));
  g_assert_cmpstr (godwit_object_list_get_entity_name (GODWIT_OBJECT_LIST (list)), ==, "Book");
  request = godwit_object_list_get_fetch_request (GODWIT_OBJECT_LIST (list));
  g_assert_false (godwit_fetch_request_fetches_all_by_pk (request));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (shown_object (&browser, i)->pk, ==, library.books[i]);
  description = g_strdup_printf ("books of Author p%" G_GINT64_FORMAT, library.authors[0]);
  g_assert_cmpstr (godwit_objects_page_get_pks_description (browser.page), ==, description);
  g_assert_cmpstr (godwit_objects_page_get_count_text (browser.page), ==, "3 of 5 objects");
  godwit_gui_test_screenshots (GTK_WIDGET (window), "godwit-objects-to-many-cell");

  /* Alt+Left, a link of the list focused: the authors, the one whose cell
   * it was selected, and the keyboard in their list. */
  cell = assert_relationship_cell (browser.page, library.books[2], "author", author_text, TRUE);
  g_assert_true (gtk_widget_grab_focus (cell));
  g_assert_true (godwit_gui_test_press_key (GTK_WIDGET (window), GDK_KEY_Left, GDK_ALT_MASK));
  wait_selected (&browser, "Author", library.authors[0]);
  g_assert_null (godwit_objects_page_get_pks_description (browser.page));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         GTK_WIDGET (godwit_objects_page_get_column_view (browser.page))));

  godwit_gui_test_close (window);
  library_clear (&library);
}

int
main (int   argc,
      char *argv[])
{
  godwit_gui_test_init (&argc, &argv);

  g_test_add_func ("/gui/object-list/demo-values", test_demo_values);
  g_test_add_func ("/gui/object-list/inspector", test_inspector);
  g_test_add_func ("/gui/object-list/tables-only", test_tables_only);
  g_test_add_func ("/gui/object-list/positions", test_positions);
  g_test_add_func ("/gui/object-list/large-store", test_large_store);
  g_test_add_func ("/gui/object-list/sort", test_sort);
  g_test_add_func ("/gui/object-list/filter", test_filter);
  g_test_add_func ("/gui/object-list/follow-to-one", test_follow_to_one);
  g_test_add_func ("/gui/object-list/follow-to-many", test_follow_to_many);
  g_test_add_func ("/gui/object-list/demo-relationship-cells", test_demo_relationship_cells);
  g_test_add_func ("/gui/object-list/relationship-cells", test_relationship_cells);

  return g_test_run ();
}
