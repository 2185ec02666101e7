/* test-gui-history.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The History page on a store the writer made with the persistent-history
 * tables, filled with transactions: newest first, a page at a time, a
 * transaction's changes, and the filters by author and by entity, which
 * read older pages until enough transactions match.
 */

#include "config.h"

#include <string.h>

#include "godwit-history-item.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"
#include "gui-test-utils.h"

#define N_TRANSACTIONS 250

typedef GodwitGuiTestFixture Fixture;

/* Transaction i (from 1) is Bram's when i is a multiple of 3, else Ada's;
 * each changes a plant (inserted, updated or deleted, by i modulo 3), and
 * every tenth one the first bed too. Names are interned in
 * ATRANSACTIONSTRING, as newer stores keep them. */
static void
write_history_store (Fixture *fixture)
{
  g_autofree char *transactions = NULL;

  godwit_gui_test_write_garden (fixture->store, "Garden 2", TRUE);

  godwit_test_execute_sql (fixture->store,
                           "INSERT INTO ATRANSACTIONSTRING (Z_PK, Z_ENT, Z_OPT, ZNAME) VALUES "
                           "(1, 16003, 1, 'Ada'), (2, 16003, 1, 'Bram'), "
                           "(3, 16003, 1, 'io.github.godwit.Garden'), (4, 16003, 1, '4242')", NULL);
  transactions = g_strdup_printf ("INSERT INTO ATRANSACTION (Z_PK, Z_ENT, Z_OPT, ZAUTHORTS, ZBUNDLEIDTS, "
                                  "ZPROCESSIDTS, ZTIMESTAMP) "
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
                                  "SELECT i, 16002, 1, CASE WHEN i %% 3 = 0 THEN 2 ELSE 1 END, 3, 4, "
                                  "700000000.0 + i * 60 FROM n", N_TRANSACTIONS);
  godwit_test_execute_sql (fixture->store, transactions, NULL);
  godwit_test_execute_sql (fixture->store,
                           "INSERT INTO ACHANGE (Z_PK, Z_ENT, Z_OPT, ZCHANGETYPE, ZENTITY, ZENTITYPK, ZTRANSACTIONID) "
                           "SELECT Z_PK, 16001, 1, Z_PK % 3, "
                           "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Plant'), 1 + Z_PK % 3, Z_PK "
                           "FROM ATRANSACTION", NULL);
  godwit_test_execute_sql (fixture->store,
                           "INSERT INTO ACHANGE (Z_PK, Z_ENT, Z_OPT, ZCHANGETYPE, ZENTITY, ZENTITYPK, ZTRANSACTIONID) "
                           "SELECT 1000 + Z_PK, 16001, 1, 1, "
                           "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Bed'), 1, Z_PK "
                           "FROM ATRANSACTION WHERE Z_PK % 10 = 0", NULL);
}

static gboolean
page_is_idle (gpointer data)
{
  return !godwit_history_page_get_busy (data);
}

static GodwitHistoryPage *
show_page (GodwitWindow *window)
{
  GodwitHistoryPage *page = godwit_store_view_get_history_page (godwit_window_get_store_view (window));

  godwit_gui_test_show_page (window, "history");
  godwit_gui_test_wait_until (page_is_idle, page, "the history to be read");

  return page;
}

static const GodwitHistoryTransaction *
get_transaction (GListModel *model,
                 guint       position)
{
  g_autoptr(GodwitHistoryItem) item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);

  /* The page's list holds the item. */
  return godwit_history_item_get_transaction (item);
}

/* The transactions shown: newest first, from @newest to @oldest. */
static void
assert_transactions (GodwitHistoryPage *page,
                     gint64             newest,
                     gint64             oldest)
{
  GListModel *model = godwit_history_page_get_model (page);
  gint64 previous = G_MAXINT64;

  g_assert_cmpint (get_transaction (model, 0)->pk, ==, newest);
  g_assert_cmpint (get_transaction (model, g_list_model_get_n_items (model) - 1)->pk, ==, oldest);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      const GodwitHistoryTransaction *transaction = get_transaction (model, i);

      g_assert_cmpint (transaction->pk, <, previous);
      previous = transaction->pk;
    }
}

static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *screenshot = godwit_gui_test_screenshot_path ("godwit-history");
  const GodwitHistoryTransaction *newest;
  GodwitHistoryPage *page;
  GodwitWindow *window;
  GListModel *model;
  GtkGrid *changes;

  write_history_store (fixture);
  before = godwit_test_snapshot_directory (fixture->dir);

  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  page = show_page (window);
  model = godwit_history_page_get_model (page);
  g_assert_null (godwit_history_page_get_error (page));

  /* The newest page, newest first. */
  g_assert_cmpint (godwit_history_page_get_n_transactions (page), ==, N_TRANSACTIONS);
  g_assert_cmpuint (godwit_history_page_get_n_loaded (page), ==, GODWIT_HISTORY_PAGE_SIZE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, GODWIT_HISTORY_PAGE_SIZE);
  assert_transactions (page, N_TRANSACTIONS, N_TRANSACTIONS - GODWIT_HISTORY_PAGE_SIZE + 1);

  newest = get_transaction (model, 0);
  g_assert_cmpstr (newest->author, ==, "Ada");
  g_assert_cmpstr (newest->bundle_id, ==, "io.github.godwit.Garden");
  g_assert_cmpstr (newest->process_id, ==, "4242");
  g_assert_cmpuint (newest->changes->len, ==, 2);

  /* Its changes: entity, object and how it changed. */
  gtk_single_selection_set_selected (godwit_history_page_get_selection (page), 0);
  changes = godwit_history_page_get_change_grid (page);
  g_assert_cmpstr (godwit_gui_test_grid_text (changes, 0, 1), ==, "Updated");
  g_assert_cmpstr (godwit_gui_test_grid_text (changes, 1, 1), ==, "Plant");
  g_assert_true (g_str_has_suffix (godwit_gui_test_grid_text (changes, 2, 1), "/Plant/p2"));
  g_assert_cmpstr (godwit_gui_test_grid_text (changes, 0, 2), ==, "Updated");
  g_assert_cmpstr (godwit_gui_test_grid_text (changes, 1, 2), ==, "Bed");
  g_assert_true (g_str_has_suffix (godwit_gui_test_grid_text (changes, 2, 2), "/Bed/p1"));
  g_assert_null (gtk_grid_get_child_at (changes, 0, 3));
  godwit_gui_test_screenshot (GTK_WIDGET (window), screenshot);

  /* The next page, older. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "history.load-older", NULL));
  g_assert_true (godwit_history_page_get_busy (page));
  godwit_gui_test_wait_until (page_is_idle, page, "the older transactions");
  g_assert_cmpuint (godwit_history_page_get_n_loaded (page), ==, 2 * GODWIT_HISTORY_PAGE_SIZE);
  assert_transactions (page, N_TRANSACTIONS, N_TRANSACTIONS - 2 * GODWIT_HISTORY_PAGE_SIZE + 1);

  /* And the last one, shorter. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "history.load-older", NULL));
  godwit_gui_test_wait_until (page_is_idle, page, "the oldest transactions");
  g_assert_cmpuint (godwit_history_page_get_n_loaded (page), ==, N_TRANSACTIONS);
  assert_transactions (page, N_TRANSACTIONS, 1);

  godwit_gui_test_close (window);

  /* Reading history only reads. */
  after = godwit_test_snapshot_directory (fixture->dir);
  g_assert_cmpstr (after, ==, before);
}

static guint
count_multiples (gint64 from,
                 gint64 to,
                 gint64 factor)
{
  guint n = 0;

  for (gint64 i = from; i <= to; i++)
    if (i % factor == 0)
      n++;

  return n;
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  GodwitHistoryPage *page;
  GodwitWindow *window;
  GListModel *model;

  write_history_store (fixture);
  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  page = show_page (window);
  model = godwit_history_page_get_model (page);
  g_assert_cmpuint (godwit_history_page_get_n_loaded (page), ==, GODWIT_HISTORY_PAGE_SIZE);

  /* Bram wrote a third of the newest page: too few, so an older page is
   * read. */
  g_assert_false (godwit_history_page_set_author_filter (page, "Cleo"));
  g_assert_true (godwit_history_page_set_author_filter (page, "Bram"));
  godwit_gui_test_wait_until (page_is_idle, page, "more of Bram's transactions");
  g_assert_cmpuint (godwit_history_page_get_n_loaded (page), ==, 2 * GODWIT_HISTORY_PAGE_SIZE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==,
                    count_multiples (N_TRANSACTIONS - 2 * GODWIT_HISTORY_PAGE_SIZE + 1, N_TRANSACTIONS, 3));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_assert_cmpstr (get_transaction (model, i)->author, ==, "Bram");

  /* Every tenth transaction changed a bed: read to the end. */
  g_assert_true (godwit_history_page_set_author_filter (page, NULL));
  g_assert_false (godwit_history_page_set_entity_filter (page, "Greenhouse"));
  g_assert_true (godwit_history_page_set_entity_filter (page, "Bed"));
  godwit_gui_test_wait_until (page_is_idle, page, "the transactions that changed a bed");
  g_assert_cmpuint (godwit_history_page_get_n_loaded (page), ==, N_TRANSACTIONS);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, count_multiples (1, N_TRANSACTIONS, 10));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_assert_cmpint (get_transaction (model, i)->pk % 10, ==, 0);

  /* Both: Bram's that changed a bed. */
  g_assert_true (godwit_history_page_set_author_filter (page, "Bram"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, count_multiples (1, N_TRANSACTIONS, 30));

  g_assert_true (godwit_history_page_set_author_filter (page, NULL));
  g_assert_true (godwit_history_page_set_entity_filter (page, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_TRANSACTIONS);

  godwit_gui_test_close (window);
}

/* The demo store keeps no history. */
static void
test_no_history (Fixture       *fixture,
                 gconstpointer  data)
{
  GodwitHistoryPage *page;
  GodwitWindow *window;
  GtkWidget *stack;

  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  page = show_page (window);
  stack = gtk_widget_get_ancestor (GTK_WIDGET (godwit_history_page_get_change_grid (page)), GTK_TYPE_STACK);
  stack = gtk_widget_get_ancestor (gtk_widget_get_parent (stack), GTK_TYPE_STACK);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "none");
  g_assert_cmpint (godwit_history_page_get_n_transactions (page), ==, -1);
  g_assert_cmpuint (godwit_history_page_get_n_loaded (page), ==, 0);

  godwit_gui_test_close (window);
}

int
main (int   argc,
      char *argv[])
{
  godwit_gui_test_init (&argc, &argv);

  godwit_gui_test_add ("/gui/history/pages", test_pages);
  godwit_gui_test_add ("/gui/history/filters", test_filters);
  godwit_gui_test_add_on_demo ("/gui/history/no-history", test_no_history);

  return g_test_run ();
}
