/* test-fetch-request.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Fetch requests on a generated store: orders of strings, numbers, dates
 * and NULLs in both directions, pages across their boundaries, the text
 * and Z_PK predicates, positions, the objects themselves against
 * godwit_store_fetch_objects(), errors, the schema-only view, and a store
 * whose files stay byte for byte as they were.
 */

#include "config.h"

#include <string.h>

#include "godwit-error.h"
#include "godwit-fetch-request.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#define N_ITEMS 1200
#define N_SHELVES 9
#define N_TAGS 5
/* Every SPECIAL_EVERY-th item is a Special, a sub-entity of Item. */
#define SPECIAL_EVERY 4

/* Mixed case, accents composed and not, empty and NULL. */
static const char * const names[] = {
  "apple", "Apple", "APPLE pie", "banana", "Éclair", "eclair", "zebra", "Zebra",
  "\xc3\xa1pple" /* á composed */, "a\xcc\x81pple" /* á decomposed */, "", NULL,
  "cherry", "Cherry", "ÉCOLE", "école",
};

/* What was written, by Z_PK: the expected values. */
typedef struct
{
  gint64      pk;
  const char *entity;
  const char *name;       /* (nullable) */
  gboolean    has_count;
  gint64      count;
  gboolean    has_price;
  double      price;
  gboolean    has_added;
  double      added;      /* seconds since 2001-01-01 */
  char       *code;       /* (nullable) Specials only */
} Item;

typedef struct
{
  GodwitTestStore  test_store;
  GodwitModel     *model;
  GArray          *items;     /* (element-type Item), by Z_PK */
  GArray          *shelves;   /* (element-type gint64) */
} Catalog;

static Catalog catalog;

static GodwitModel *
build_catalog_model (void)
{
  GodwitModel *model = godwit_model_new ("Catalog", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *item = godwit_test_add_entity (model, "Item", NULL);
  GodwitEntity *special = godwit_test_add_entity (model, "Special", "Item");
  GodwitEntity *shelf = godwit_test_add_entity (model, "Shelf", NULL);
  GodwitEntity *tag = godwit_test_add_entity (model, "Tag", NULL);

  godwit_test_add_attribute (item, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (item, "count", GODWIT_ATTRIBUTE_TYPE_INTEGER_64);
  godwit_test_add_attribute (item, "price", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_add_attribute (item, "added", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_relationship (item, "shelf", "Shelf", "items", FALSE, FALSE);
  godwit_test_add_relationship (item, "tags", "Tag", "items", TRUE, FALSE);
  godwit_test_add_attribute (special, "code", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (shelf, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (shelf, "items", "Item", "shelf", TRUE, FALSE);
  godwit_test_add_attribute (tag, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (tag, "items", "Item", "tags", TRUE, FALSE);
  godwit_test_resolve_model (model);

  return model;
}

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_free (item->code);
}

/* @keep_wal leaves the content in the -wal, beside a -shm. */
static void
catalog_write (Catalog  *self,
               gboolean  keep_wal)
{
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261121);
  gint64 tags[N_TAGS];

  self->model = build_catalog_model ();
  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, item_clear);
  self->shelves = g_array_new (FALSE, FALSE, sizeof (gint64));

  godwit_test_store_init (&self->test_store, "Catalog.sqlite");
  writer = godwit_test_store_begin (&self->test_store, self->model, keep_wal);

  for (guint i = 0; i < N_SHELVES; i++)
    {
      g_autofree char *label = g_strdup_printf ("shelf %u", i);
      gint64 pk = godwit_test_insert (writer, "Shelf", "label", g_variant_new_string (label), NULL);

      g_array_append_val (self->shelves, pk);
    }
  for (guint i = 0; i < N_TAGS; i++)
    {
      g_autofree char *title = g_strdup_printf ("tag %u", i);

      tags[i] = godwit_test_insert (writer, "Tag", "title", g_variant_new_string (title), NULL);
    }

  for (guint i = 0; i < N_ITEMS; i++)
    {
      Item item = { 0 };
      gboolean special = i % SPECIAL_EVERY == SPECIAL_EVERY - 1;

      item.entity = special ? "Special" : "Item";
      item.name = names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))];
      item.has_count = g_rand_int_range (rand, 0, 7) != 0;
      item.count = g_rand_int_range (rand, -50, 50);
      item.has_price = g_rand_int_range (rand, 0, 11) != 0;
      item.price = g_rand_double_range (rand, -10.0, 1000.0);
      item.has_added = g_rand_int_range (rand, 0, 5) != 0;
      /* Some before 2001, Core Data's reference date. */
      item.added = g_rand_double_range (rand, -1e8, 8e8);
      if (special)
        item.code = g_strdup_printf ("SP-%u", i);

      item.pk = godwit_test_insert (writer, item.entity,
                                    "name", item.name != NULL ? g_variant_new_string (item.name) : NULL,
                                    "count", item.has_count ? g_variant_new_int64 (item.count) : NULL,
                                    "price", item.has_price ? g_variant_new_double (item.price) : NULL,
                                    "added", item.has_added ? g_variant_new_double (item.added) : NULL,
                                    special ? "code" : NULL,
                                    item.code != NULL ? g_variant_new_string (item.code) : NULL,
                                    NULL);
      /* Items and Specials share ZITEM: Z_PKs 1, 2, 3, … in order. */
      g_assert_cmpint (item.pk, ==, i + 1);

      if (i % 3 != 0)
        godwit_test_relate (writer, item.entity, item.pk, "shelf", "Shelf",
                            g_array_index (self->shelves, gint64, i % N_SHELVES));
      for (guint t = 0; t < N_TAGS; t++)
        if ((i + t) % (t + 2) == 0)
          godwit_test_relate (writer, item.entity, item.pk, "tags", "Tag", tags[t]);

      g_array_append_val (self->items, item);
    }

  godwit_test_writer_commit (writer);
}

static void
catalog_clear (Catalog *self)
{
  godwit_test_store_clear (&self->test_store);
  g_clear_object (&self->model);
  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->shelves, g_array_unref);
}

static GodwitStore *
open_catalog (gboolean with_model)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitStore) store = godwit_store_open (catalog.test_store.path, NULL, &error);

  g_assert_no_error (error);
  if (with_model)
    {
      g_assert_true (godwit_store_set_model (store, catalog.model, &error));
      g_assert_no_error (error);
    }

  return g_steal_pointer (&store);
}

static const Item *
item_for_pk (gint64 pk)
{
  g_assert_cmpint (pk, >=, 1);
  g_assert_cmpint (pk, <=, catalog.items->len);

  return &g_array_index (catalog.items, Item, pk - 1);
}

/* ---- Expected orders, as SQLite compares ------------------------------ */

typedef enum
{
  KEY_NAME,
  KEY_COUNT,
  KEY_PRICE,
  KEY_ADDED,
} Key;

typedef struct
{
  Key      key;
  gboolean ascending;
} Order;

static int
compare_numbers (gboolean has_a,
                 double   a,
                 gboolean has_b,
                 double   b)
{
  if (!has_a || !has_b)
    return has_a - has_b;

  return a < b ? -1 : a > b;
}

static int
compare_by_key (const Item *a,
                const Item *b,
                Key         key)
{
  switch (key)
    {
    case KEY_NAME:
      /* NULL first, then the bytes. */
      if (a->name == NULL || b->name == NULL)
        return (a->name != NULL) - (b->name != NULL);
      return strcmp (a->name, b->name);
    case KEY_COUNT:
      return compare_numbers (a->has_count, a->count, b->has_count, b->count);
    case KEY_PRICE:
      return compare_numbers (a->has_price, a->price, b->has_price, b->price);
    case KEY_ADDED:
      return compare_numbers (a->has_added, a->added, b->has_added, b->added);
    default:
      g_assert_not_reached ();
    }
}

static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const Item *item_a = item_for_pk (*(const gint64 *) a);
  const Item *item_b = item_for_pk (*(const gint64 *) b);
  const Order *orders = user_data;

  for (const Order *order = orders; order->key != (Key) -1; order++)
    {
      int result = compare_by_key (item_a, item_b, order->key);

      if (result != 0)
        return order->ascending ? result : -result;
    }

  /* Ties in Z_PK order. */
  return item_a->pk < item_b->pk ? -1 : item_a->pk > item_b->pk;
}

typedef gboolean (*ItemFilter) (const Item *item,
                                gpointer    data);

/* The Z_PKs of the items @filter keeps (all with NULL), sorted by
 * @orders, a list ended by key -1. */
static GArray *
expected_pks (ItemFilter   filter,
              gpointer     data,
              const Order *orders)
{
  GArray *pks = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < catalog.items->len; i++)
    {
      const Item *item = &g_array_index (catalog.items, Item, i);

      if (filter == NULL || filter (item, data))
        g_array_append_val (pks, item->pk);
    }
  g_array_sort_with_data (pks, compare_items, (gpointer) orders);

  return pks;
}

/* Every object of @request, read @page_size at a time. */
static GArray *
fetch_all_pks (GodwitStore        *store,
               GodwitFetchRequest *request,
               guint               page_size)
{
  g_autoptr(GError) error = NULL;
  GArray *pks = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 count = godwit_store_count_for_fetch_request (store, request, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (count, >=, 0);

  for (guint offset = 0; ; offset += page_size)
    {
      g_autoptr(GPtrArray) page = godwit_store_execute_fetch_request (store, request, offset, page_size,
                                                                      NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (page);
      g_assert_cmpuint (page->len, <=, page_size);
      for (guint i = 0; i < page->len; i++)
        g_array_append_val (pks, ((GodwitObject *) g_ptr_array_index (page, i))->pk);
      if (page->len < page_size)
        break;
    }

  g_assert_cmpint (pks->len, ==, count);

  return pks;
}

static void
assert_same_pks (GArray *pks,
                 GArray *expected)
{
  g_assert_cmpuint (pks->len, ==, expected->len);
  for (guint i = 0; i < pks->len; i++)
    {
      if (g_array_index (pks, gint64, i) != g_array_index (expected, gint64, i))
        g_error ("position %u: Z_PK %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                 i, g_array_index (pks, gint64, i), g_array_index (expected, gint64, i));
    }
}

static void
assert_sorted (GodwitStore *store,
               const char  *key_name,
               Key          key)
{
  for (guint ascending = 0; ascending < 2; ascending++)
    {
      g_autoptr(GodwitFetchRequest) request = godwit_fetch_request_new ("Item");
      Order orders[] = { { key, ascending }, { (Key) -1, FALSE } };
      g_autoptr(GArray) expected = expected_pks (NULL, NULL, orders);
      g_autoptr(GArray) pks = NULL;

      godwit_fetch_request_add_sort_descriptor (request, key_name, ascending);
      pks = fetch_all_pks (store, request, 37);
      assert_same_pks (pks, expected);
      g_assert_cmpuint (pks->len, ==, N_ITEMS);
    }
}

/* ---- Sorting ------------------------------------------------------------ */

static void
test_sort_strings (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) request = godwit_fetch_request_new ("Item");
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GPtrArray) distinct = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *expected[] = {
    NULL, "", "APPLE pie", "Apple", "Cherry", "Zebra", "apple", "a\xcc\x81pple", "banana", "cherry",
    "eclair", "zebra", "ÉCOLE", "Éclair", "\xc3\xa1pple", "école",
  };

  assert_sorted (store, "name", KEY_NAME);

  /* The real order of the names: NULL, then by their bytes, capitals
   * before lower case, accented letters (two bytes, the first 0xC3) last,
   * a decomposed "á" after the plain "a" followed by any ASCII letter. */
  godwit_fetch_request_add_sort_descriptor (request, "name", TRUE);
  sorted = godwit_store_execute_fetch_request (store, request, 0, N_ITEMS, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sorted->len; i++)
    {
      JsonObject *attributes = ((GodwitObject *) g_ptr_array_index (sorted, i))->attributes;
      const char *name = json_object_get_null_member (attributes, "name") ? NULL
                         : json_object_get_string_member (attributes, "name");

      if (i == 0 || g_strcmp0 (name, g_ptr_array_index (distinct, distinct->len - 1)) != 0)
        g_ptr_array_add (distinct, (gpointer) name);
    }
  g_assert_cmpuint (distinct->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < distinct->len; i++)
    g_assert_cmpstr (g_ptr_array_index (distinct, i), ==, expected[i]);
}

static void
test_sort_numbers (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);

  assert_sorted (store, "count", KEY_COUNT);
  assert_sorted (store, "price", KEY_PRICE);
}

static void
test_sort_dates (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) request = godwit_fetch_request_new ("Item");
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  const Item *last;
  g_autofree char *expected = NULL;
  g_autoptr(GDateTime) reference = g_date_time_new_utc (2001, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) date = NULL;

  assert_sorted (store, "added", KEY_ADDED);

  /* The latest date comes first descending, shown as a date. */
  godwit_fetch_request_add_sort_descriptor (request, "added", FALSE);
  page = godwit_store_execute_fetch_request (store, request, 0, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 1);
  last = item_for_pk (((GodwitObject *) g_ptr_array_index (page, 0))->pk);
  for (guint i = 0; i < catalog.items->len; i++)
    {
      const Item *item = &g_array_index (catalog.items, Item, i);

      g_assert_true (!item->has_added || item->added <= last->added);
    }
  date = g_date_time_add_seconds (reference, (gint64) last->added);
  expected = g_date_time_format (date, "%Y-%m-%d");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (((GodwitObject *) g_ptr_array_index (page, 0))->attributes,
                                                                  "added"),
                                   expected));
}

static void
test_sort_pk_and_several_keys (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) descending = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) ascending = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) several = godwit_fetch_request_new ("Item");
  Order orders[] = { { KEY_NAME, TRUE }, { KEY_COUNT, FALSE }, { KEY_ADDED, TRUE }, { (Key) -1, FALSE } };
  g_autoptr(GArray) expected = expected_pks (NULL, NULL, orders);
  g_autoptr(GArray) pks = NULL;

  godwit_fetch_request_add_sort_descriptor (descending, GODWIT_FETCH_REQUEST_PK_KEY, FALSE);
  g_assert_false (godwit_fetch_request_fetches_all_by_pk (descending));
  pks = fetch_all_pks (store, descending, 100);
  g_assert_cmpuint (pks->len, ==, N_ITEMS);
  for (guint i = 0; i < pks->len; i++)
    g_assert_cmpint (g_array_index (pks, gint64, i), ==, N_ITEMS - i);
  g_clear_pointer (&pks, g_array_unref);

  /* Z_PK ascending is the order by default, paged by Z_PK. */
  godwit_fetch_request_add_sort_descriptor (ascending, GODWIT_FETCH_REQUEST_PK_KEY, TRUE);
  g_assert_true (godwit_fetch_request_fetches_all_by_pk (ascending));
  pks = fetch_all_pks (store, ascending, 100);
  for (guint i = 0; i < pks->len; i++)
    g_assert_cmpint (g_array_index (pks, gint64, i), ==, i + 1);
  g_clear_pointer (&pks, g_array_unref);

  godwit_fetch_request_add_sort_descriptor (several, "name", TRUE);
  godwit_fetch_request_add_sort_descriptor (several, "count", FALSE);
  godwit_fetch_request_add_sort_descriptor (several, "added", TRUE);
  g_assert_cmpuint (godwit_fetch_request_get_n_sort_descriptors (several), ==, 3);
  pks = fetch_all_pks (store, several, 64);
  assert_same_pks (pks, expected);
}

/* ---- Pages ------------------------------------------------------------- */

static void
test_pages (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) sorted = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) plain = godwit_fetch_request_new ("Item");
  Order orders[] = { { KEY_PRICE, FALSE }, { (Key) -1, FALSE } };
  g_autoptr(GArray) expected = expected_pks (NULL, NULL, orders);
  guint offsets[] = { 0, 1, 99, 100, 101, 599, N_ITEMS - 1, N_ITEMS, N_ITEMS + 5 };

  godwit_fetch_request_add_sort_descriptor (sorted, "price", FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      GodwitFetchRequest *requests[] = { sorted, plain };

      for (guint r = 0; r < G_N_ELEMENTS (requests); r++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) page = godwit_store_execute_fetch_request (store, requests[r], offsets[i], 100,
                                                                          NULL, &error);
          guint n = offsets[i] >= N_ITEMS ? 0 : MIN (100, N_ITEMS - offsets[i]);

          g_assert_no_error (error);
          g_assert_cmpuint (page->len, ==, n);
          for (guint j = 0; j < page->len; j++)
            {
              gint64 pk = ((GodwitObject *) g_ptr_array_index (page, j))->pk;

              if (requests[r] == sorted)
                g_assert_cmpint (pk, ==, g_array_index (expected, gint64, offsets[i] + j));
              else
                g_assert_cmpint (pk, ==, offsets[i] + j + 1);
            }
        }
    }
}

/* ---- Predicates ----------------------------------------------------------- */

typedef struct
{
  const char *folded;     /* what a name must contain, folded */
  gint64      pk;         /* or the Z_PK it must have, 0 for none */
  gboolean    specials;   /* the Specials' codes count too */
} TextMatch;

static gboolean
contains_folded (const char *text,
                 const char *folded)
{
  g_autofree char *casefolded = NULL;
  g_autofree char *normalized = NULL;

  if (text == NULL)
    return FALSE;
  casefolded = g_utf8_casefold (text, -1);
  normalized = g_utf8_normalize (casefolded, -1, G_NORMALIZE_DEFAULT_COMPOSE);

  return strstr (normalized, folded) != NULL;
}

static gboolean
text_matches (const Item *item,
              gpointer    data)
{
  TextMatch *match = data;

  return contains_folded (item->name, match->folded) ||
         (match->specials && contains_folded (item->code, match->folded)) ||
         item->pk == match->pk;
}

static void
assert_text_predicate (GodwitStore *store,
                       const char  *text,
                       const char  *folded,
                       gint64       pk,
                       guint        minimum)
{
  g_autoptr(GodwitFetchRequest) request = godwit_fetch_request_new ("Item");
  TextMatch match = { folded, pk, TRUE };
  Order orders[] = { { (Key) -1, FALSE } };
  g_autoptr(GArray) expected = expected_pks (text_matches, &match, orders);
  g_autoptr(GArray) pks = NULL;

  godwit_fetch_request_set_text_predicate (request, text);
  g_assert_false (godwit_fetch_request_fetches_all_by_pk (request));
  pks = fetch_all_pks (store, request, 50);
  assert_same_pks (pks, expected);
  g_assert_cmpuint (pks->len, >=, minimum);
}

static void
test_text_predicate (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) nothing = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) empty = godwit_fetch_request_new ("Item");
  g_autoptr(GError) error = NULL;

  /* Case aside: "apple", "Apple" and "APPLE pie", not "ápple". */
  assert_text_predicate (store, "aPPle", "apple", 0, 3);
  /* Unicode case folding, composed or not. */
  assert_text_predicate (store, "ÉCL", "écl", 0, 1);
  assert_text_predicate (store, "Á", "á", 0, 2);
  assert_text_predicate (store, "éCOLE", "école", 0, 2);
  /* A number is a Z_PK as well as text: item 7, and "SP-7", "SP-71", … */
  assert_text_predicate (store, "7", "7", 7, 10);
  assert_text_predicate (store, " p13 ", " p13 ", 13, 1);
  /* The sub-entity's own attribute. */
  assert_text_predicate (store, "sp-1", "sp-1", 0, 10);

  godwit_fetch_request_set_text_predicate (nothing, "no such text");
  g_assert_cmpint (godwit_store_count_for_fetch_request (store, nothing, NULL, &error), ==, 0);
  g_assert_no_error (error);

  /* An empty text keeps everything. */
  godwit_fetch_request_set_text_predicate (empty, "");
  g_assert_null (godwit_fetch_request_get_text_predicate (empty));
  g_assert_true (godwit_fetch_request_fetches_all_by_pk (empty));
  g_assert_cmpint (godwit_store_count_for_fetch_request (store, empty, NULL, &error), ==, N_ITEMS);
}

static gboolean
is_special (const Item *item,
            gpointer    data)
{
  return item->code != NULL;
}

static void
test_subentities (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) specials = godwit_fetch_request_new ("Special");
  g_autoptr(GodwitFetchRequest) items_only = godwit_fetch_request_new ("Item");
  Order orders[] = { { KEY_COUNT, FALSE }, { (Key) -1, FALSE } };
  g_autoptr(GArray) expected = expected_pks (is_special, NULL, orders);
  g_autoptr(GArray) pks = NULL;
  g_autoptr(GError) error = NULL;

  godwit_fetch_request_add_sort_descriptor (specials, "count", FALSE);
  pks = fetch_all_pks (store, specials, 30);
  assert_same_pks (pks, expected);
  g_assert_cmpuint (pks->len, ==, N_ITEMS / SPECIAL_EVERY);

  /* Without the sub-entities, no object has a code to match. */
  godwit_fetch_request_set_includes_subentities (items_only, FALSE);
  godwit_fetch_request_set_text_predicate (items_only, "SP-");
  g_assert_cmpint (godwit_store_count_for_fetch_request (store, items_only, NULL, &error), ==, 0);
  g_assert_no_error (error);
  godwit_fetch_request_set_text_predicate (items_only, NULL);
  godwit_fetch_request_add_sort_descriptor (items_only, "name", TRUE);
  g_assert_cmpint (godwit_store_count_for_fetch_request (store, items_only, NULL, &error), ==,
                   N_ITEMS - N_ITEMS / SPECIAL_EVERY);
}

static gboolean
pk_in_set (const Item *item,
           gpointer    data)
{
  return g_hash_table_contains (data, &item->pk);
}

static void
test_pk_predicate (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) request = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) both = NULL;
  g_autoptr(GodwitFetchRequest) copy = NULL;
  g_autoptr(GHashTable) set = g_hash_table_new (g_int64_hash, g_int64_equal);
  /* Z_PKs beyond the table and duplicates change nothing. */
  gint64 pks[] = { 5, 900, 17, 17, 3, 1200, 1201, 99999, 640, 4, 8, 12 };
  Order orders[] = { { KEY_NAME, FALSE }, { (Key) -1, FALSE } };
  TextMatch match = { "apple", 0, TRUE };
  g_autoptr(GArray) expected = NULL;
  g_autoptr(GArray) fetched = NULL;
  const gint64 *kept;
  gsize n_kept;

  for (guint i = 0; i < G_N_ELEMENTS (pks); i++)
    g_hash_table_add (set, &pks[i]);

  godwit_fetch_request_set_pk_predicate (request, pks, G_N_ELEMENTS (pks));
  godwit_fetch_request_add_sort_descriptor (request, "name", FALSE);
  kept = godwit_fetch_request_get_pk_predicate (request, &n_kept);
  g_assert_cmpuint (n_kept, ==, G_N_ELEMENTS (pks));
  g_assert_cmpint (kept[1], ==, 900);

  expected = expected_pks (pk_in_set, set, orders);
  g_assert_cmpuint (expected->len, ==, 9);
  fetched = fetch_all_pks (store, request, 4);
  assert_same_pks (fetched, expected);
  g_clear_pointer (&expected, g_array_unref);
  g_clear_pointer (&fetched, g_array_unref);

  /* With a text predicate too, both must hold. */
  both = godwit_fetch_request_copy (request);
  godwit_fetch_request_set_text_predicate (both, "APPLE");
  for (guint i = 0; i < G_N_ELEMENTS (pks); i++)
    if (pks[i] <= N_ITEMS && !text_matches (item_for_pk (pks[i]), &match))
      g_hash_table_remove (set, &pks[i]);
  expected = expected_pks (pk_in_set, set, orders);
  fetched = fetch_all_pks (store, both, 100);
  assert_same_pks (fetched, expected);

  /* The copy is independent: the original still has no text. */
  g_assert_null (godwit_fetch_request_get_text_predicate (request));
  copy = godwit_fetch_request_copy (both);
  godwit_fetch_request_set_pk_predicate (copy, NULL, 0);
  g_assert_null (godwit_fetch_request_get_pk_predicate (copy, &n_kept));
  g_assert_cmpuint (n_kept, ==, 0);
  g_assert_nonnull (godwit_fetch_request_get_pk_predicate (both, &n_kept));

  /* An empty set keeps nothing. */
  godwit_fetch_request_set_pk_predicate (copy, pks, 0);
  godwit_fetch_request_set_text_predicate (copy, NULL);
  g_clear_pointer (&fetched, g_array_unref);
  fetched = fetch_all_pks (store, copy, 10);
  g_assert_cmpuint (fetched->len, ==, 0);
}

/* ---- Positions and objects ----------------------------------------------- */

static void
test_positions (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) sorted = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) plain = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) specials = godwit_fetch_request_new ("Special");
  Order orders[] = { { KEY_ADDED, TRUE }, { (Key) -1, FALSE } };
  g_autoptr(GArray) expected = expected_pks (NULL, NULL, orders);
  g_autoptr(GError) error = NULL;
  gint64 probes[] = { 1, 2, 500, 777, N_ITEMS };

  godwit_fetch_request_add_sort_descriptor (sorted, "added", TRUE);

  for (guint i = 0; i < expected->len; i += 97)
    {
      gint64 pk = g_array_index (expected, gint64, i);

      g_assert_cmpint (godwit_store_find_position_for_fetch_request (store, sorted, pk, NULL, &error), ==, i);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      gint64 position = godwit_store_find_position_for_fetch_request (store, plain, probes[i], NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (position, ==, probes[i] - 1);

      /* Specials are every fourth Z_PK. */
      position = godwit_store_find_position_for_fetch_request (store, specials, probes[i], NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (position, ==, probes[i] % SPECIAL_EVERY == 0 ? probes[i] / SPECIAL_EVERY - 1 : -1);
    }

  g_assert_cmpint (godwit_store_find_position_for_fetch_request (store, sorted, N_ITEMS + 1, NULL, &error), ==, -1);
  g_assert_no_error (error);
  g_assert_cmpint (godwit_store_find_position_for_fetch_request (store, plain, 0, NULL, &error), ==, -1);
  g_assert_no_error (error);
}

static char *
dup_values_text (JsonObject *values)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), values);

  return json_to_string (node, FALSE);
}

/* A sorted page scatters its Z_PKs: its objects, relationships included,
 * are those godwit_store_fetch_objects() reads in Z_PK order. */
static void
test_objects (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) request = godwit_fetch_request_new ("Item");
  g_autoptr(GPtrArray) reference = NULL;
  g_autoptr(GError) error = NULL;
  guint n_tagged = 0;
  guint n_shelved = 0;

  reference = godwit_store_fetch_objects (store, "Item", TRUE, 0, N_ITEMS, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reference->len, ==, N_ITEMS);

  godwit_fetch_request_add_sort_descriptor (request, "price", TRUE);
  for (guint offset = 0; offset < N_ITEMS; offset += 150)
    {
      g_autoptr(GPtrArray) page = godwit_store_execute_fetch_request (store, request, offset, 150, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < page->len; i++)
        {
          GodwitObject *object = g_ptr_array_index (page, i);
          GodwitObject *expected = g_ptr_array_index (reference, object->pk - 1);
          g_autofree char *attributes = dup_values_text (object->attributes);
          g_autofree char *expected_attributes = dup_values_text (expected->attributes);
          g_autofree char *relationships = dup_values_text (object->relationships);
          g_autofree char *expected_relationships = dup_values_text (expected->relationships);

          g_assert_cmpint (object->pk, ==, expected->pk);
          g_assert_cmpstr (object->entity, ==, expected->entity);
          g_assert_cmpstr (object->uri, ==, expected->uri);
          g_assert_cmpstr (attributes, ==, expected_attributes);
          g_assert_cmpstr (relationships, ==, expected_relationships);

          n_tagged += json_array_get_length (json_object_get_array_member (object->relationships, "tags")) > 0;
          n_shelved += !json_object_get_null_member (object->relationships, "shelf");
        }
    }

  g_assert_cmpuint (n_tagged, >, N_ITEMS / 2);
  g_assert_cmpuint (n_shelved, ==, N_ITEMS - N_ITEMS / 3);
}

/* The shelves' to-many relationship, whose objects a pk predicate shows. */
static void
test_to_many_destinations (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) shelves = godwit_fetch_request_new ("Shelf");
  g_autoptr(GodwitFetchRequest) items = godwit_fetch_request_new ("Item");
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GArray) pks = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  JsonArray *uris;
  GodwitObject *shelf;

  godwit_fetch_request_add_sort_descriptor (shelves, "label", FALSE);
  page = godwit_store_execute_fetch_request (store, shelves, 0, 1, NULL, &error);
  g_assert_no_error (error);
  shelf = g_ptr_array_index (page, 0);
  g_assert_cmpstr (json_object_get_string_member (shelf->attributes, "label"), ==, "shelf 8");

  uris = json_object_get_array_member (shelf->relationships, "items");
  for (guint i = 0; i < json_array_get_length (uris); i++)
    {
      g_autofree char *entity = NULL;
      gint64 pk;

      g_assert_true (godwit_store_parse_object_uri (store, json_array_get_string_element (uris, i), &entity, &pk));
      g_assert_true (g_str_equal (entity, "Item") || g_str_equal (entity, "Special"));
      g_assert_cmpstr (entity, ==, item_for_pk (pk)->entity);
      g_assert_cmpint ((pk - 1) % N_SHELVES, ==, 8);
      g_array_append_val (pks, pk);
    }
  g_assert_cmpuint (pks->len, >, 80);

  godwit_fetch_request_set_pk_predicate (items, (const gint64 *) pks->data, pks->len);
  g_assert_cmpint (godwit_store_count_for_fetch_request (store, items, NULL, &error), ==, pks->len);
  g_assert_no_error (error);
}

static void
test_object_uris (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autofree char *uri = godwit_store_dup_object_uri (store, "Special", 44);
  g_autofree char *entity = NULL;
  g_autofree char *other_store = g_strdup_printf ("x-coredata://%s/Item/p1", "00000000-0000-0000-0000-000000000000");
  g_autofree char *prefix = g_strdup_printf ("x-coredata://%s/", godwit_store_get_uuid (store));
  const char *bad_ends[] = { "Item/p", "Item/p0", "Item/x1", "Item/p-1", "Item/p1x", "Nope/p1", "Item/p1/2",
                             "Item/p99999999999999999999", "Item", "/p1" };
  gint64 pk = 0;

  g_assert_true (godwit_store_parse_object_uri (store, uri, &entity, &pk));
  g_assert_cmpstr (entity, ==, "Special");
  g_assert_cmpint (pk, ==, 44);
  g_assert_true (godwit_store_parse_object_uri (store, uri, NULL, NULL));

  g_assert_false (godwit_store_parse_object_uri (store, other_store, NULL, NULL));
  g_assert_false (godwit_store_parse_object_uri (store, NULL, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad_ends); i++)
    {
      g_autofree char *bad = g_strconcat (prefix, bad_ends[i], NULL);

      if (godwit_store_parse_object_uri (store, bad, NULL, NULL))
        g_error ("%s read as an object URI", bad);
    }
}

/* ---- Errors and the schema-only view ------------------------------------ */

static void
test_errors (void)
{
  g_autoptr(GodwitStore) store = open_catalog (TRUE);
  g_autoptr(GodwitFetchRequest) unknown_key = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) relationship_key = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) subentity_key = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) unknown_entity = godwit_fetch_request_new ("Nothing");
  g_autoptr(GodwitFetchRequest) cancelled = godwit_fetch_request_new ("Item");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) page = NULL;
  GError *error = NULL;

  godwit_fetch_request_add_sort_descriptor (unknown_key, "weight", TRUE);
  g_assert_cmpint (godwit_store_count_for_fetch_request (store, unknown_key, NULL, &error), ==, -1);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY);
  g_assert_nonnull (strstr (error->message, catalog.test_store.path));
  g_assert_nonnull (strstr (error->message, "“weight”"));
  g_clear_error (&error);

  /* Only attributes sort; a sub-entity's own attribute is not Item's. */
  godwit_fetch_request_add_sort_descriptor (relationship_key, "shelf", TRUE);
  page = godwit_store_execute_fetch_request (store, relationship_key, 0, 10, NULL, &error);
  g_assert_null (page);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY);
  g_clear_error (&error);
  godwit_fetch_request_add_sort_descriptor (subentity_key, "code", TRUE);
  g_assert_cmpint (godwit_store_find_position_for_fetch_request (store, subentity_key, 1, NULL, &error), ==, -1);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY);
  g_clear_error (&error);

  godwit_fetch_request_set_text_predicate (unknown_entity, "x");
  g_assert_cmpint (godwit_store_count_for_fetch_request (store, unknown_entity, NULL, &error), ==, -1);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY);
  g_clear_error (&error);

  /* SQLite is interrupted between its steps. */
  g_cancellable_cancel (cancellable);
  godwit_fetch_request_set_text_predicate (cancelled, "no such text");
  g_assert_cmpint (godwit_store_count_for_fetch_request (store, cancelled, cancellable, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Nothing was kept of the cancelled run. */
  g_assert_cmpint (godwit_store_count_for_fetch_request (store, cancelled, NULL, &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_schema_only (void)
{
  g_autoptr(GodwitStore) store = open_catalog (FALSE);
  g_autoptr(GodwitFetchRequest) sorted = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) filtered = godwit_fetch_request_new ("Item");
  g_autoptr(GodwitFetchRequest) by_entity = godwit_fetch_request_new ("Item");
  Order orders[] = { { KEY_COUNT, TRUE }, { (Key) -1, FALSE } };
  g_autoptr(GArray) expected = expected_pks (NULL, NULL, orders);
  TextMatch match = { "écl", 0, TRUE };
  Order pk_order[] = { { (Key) -1, FALSE } };
  g_autoptr(GArray) expected_filtered = expected_pks (text_matches, &match, pk_order);
  g_autoptr(GArray) pks = NULL;
  g_autoptr(GError) error = NULL;

  /* Without a model, keys are the table's columns. */
  godwit_fetch_request_add_sort_descriptor (sorted, "ZCOUNT", TRUE);
  pks = fetch_all_pks (store, sorted, 128);
  assert_same_pks (pks, expected);
  g_clear_pointer (&pks, g_array_unref);

  godwit_fetch_request_set_text_predicate (filtered, "ÉCL");
  pks = fetch_all_pks (store, filtered, 128);
  assert_same_pks (pks, expected_filtered);

  godwit_fetch_request_add_sort_descriptor (by_entity, "Z_ENT", TRUE);
  g_assert_cmpint (godwit_store_count_for_fetch_request (store, by_entity, NULL, &error), ==, -1);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY);
}

/* ---- Nothing is written ------------------------------------------------- */

static void
test_store_untouched (void)
{
  Catalog saved = catalog;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* A store of its own, its content still in the -wal. */
  memset (&catalog, 0, sizeof catalog);
  catalog_write (&catalog, TRUE);
  wal = g_strconcat (catalog.test_store.path, "-wal", NULL);
  shm = g_strconcat (catalog.test_store.path, "-shm", NULL);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (shm, G_FILE_TEST_EXISTS));

  before = godwit_test_snapshot_directory (catalog.test_store.dir);
  {
    g_autoptr(GodwitStore) store = open_catalog (TRUE);
    g_autoptr(GodwitFetchRequest) request = godwit_fetch_request_new ("Item");
    Order orders[] = { { KEY_NAME, FALSE }, { (Key) -1, FALSE } };
    g_autoptr(GArray) expected = expected_pks (NULL, NULL, orders);
    g_autoptr(GArray) pks = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpstr (godwit_store_get_journal_mode (store), ==, "wal");
    godwit_fetch_request_add_sort_descriptor (request, "name", FALSE);
    pks = fetch_all_pks (store, request, 100);
    assert_same_pks (pks, expected);

    godwit_fetch_request_set_text_predicate (request, "apple");
    g_assert_cmpint (godwit_store_count_for_fetch_request (store, request, NULL, &error), >, 0);
    g_assert_no_error (error);
    g_assert_cmpint (godwit_store_find_position_for_fetch_request (store, request, 1, NULL, &error), >=, -1);
    g_assert_no_error (error);
  }
  after = godwit_test_snapshot_directory (catalog.test_store.dir);
  g_assert_cmpstr (before, ==, after);

  catalog_clear (&catalog);
  catalog = saved;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  catalog_write (&catalog, FALSE);

  g_test_add_func ("/fetch-request/sort/strings", test_sort_strings);
  g_test_add_func ("/fetch-request/sort/numbers", test_sort_numbers);
  g_test_add_func ("/fetch-request/sort/dates", test_sort_dates);
  g_test_add_func ("/fetch-request/sort/pk-and-several-keys", test_sort_pk_and_several_keys);
  g_test_add_func ("/fetch-request/pages", test_pages);
  g_test_add_func ("/fetch-request/predicate/text", test_text_predicate);
  g_test_add_func ("/fetch-request/predicate/pks", test_pk_predicate);
  g_test_add_func ("/fetch-request/subentities", test_subentities);
  g_test_add_func ("/fetch-request/positions", test_positions);
  g_test_add_func ("/fetch-request/objects", test_objects);
  g_test_add_func ("/fetch-request/to-many-destinations", test_to_many_destinations);
  g_test_add_func ("/fetch-request/object-uris", test_object_uris);
  g_test_add_func ("/fetch-request/errors", test_errors);
  g_test_add_func ("/fetch-request/schema-only", test_schema_only);
  g_test_add_func ("/fetch-request/store-untouched", test_store_untouched);

  status = g_test_run ();
  catalog_clear (&catalog);

  return status;
}
