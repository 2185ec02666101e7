/* godwit-object-list.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The objects of a fetch request as a GListModel that reads them lazily:
 * its length is the request's count, and an item is a placeholder until
 * its page of GODWIT_OBJECT_LIST_PAGE_SIZE objects has been read in a
 * worker thread; then the page's placeholders are filled in place, and
 * whoever shows an item sees its :loaded change. No items-changed: for a
 * page in view, GTK 4.8 would drop and rebind its rows and move the view
 * while it scrolls. In Z_PK order, the order by
 * default, pages are read with godwit_store_fetch_objects(), by Z_PK after
 * the last object of the page before (keyset paging), so a page deep into
 * a table is as fast as the first one. A sorted or filtered request is
 * counted in a worker first (the list is empty until then): the core sorts
 * and filters once, in SQLite, and reads any page by position after that.
 *
 * Only pages somebody looks at are read: a page is read while one of its
 * placeholders is alive (a list view holds the items of its visible rows),
 * newest request first. Pages whose items nobody holds any more are
 * dropped, least recently used first, beyond MAX_CACHED_PAGES.
 */

#define G_LOG_DOMAIN "godwit-object-list"

#include "config.h"

#include "godwit-fetch-request.h"
#include "godwit-object-item.h"
#include "godwit-object-list.h"

#define PAGE_SIZE        GODWIT_OBJECT_LIST_PAGE_SIZE
#define MAX_CACHED_PAGES 32

typedef struct
{
  guint      index;
  guint      n_items;          /* positions of the list the page covers */
  GPtrArray *objects;          /* (nullable) (element-type GodwitObject): NULL while pending */
  GPtrArray *items;            /* the items handed out and still alive, by slot (weak) */
  guint      n_live_items;
  guint64    last_used;
} Page;

/* What a worker needs to read one page, or count the request; the
 * worker never touches the list itself. */
typedef struct
{
  GodwitStore        *store;
  GodwitFetchRequest *request;
  guint               page_index;
  /* In Z_PK order, pages are read by Z_PK: */
  gint64              after_pk;        /* Z_PK of the last object of the page before */
  gboolean            after_pk_known;
  /* When after_pk is not known: where godwit_store_find_object_pk()
   * counts from, and how far. */
  gint64              reference_pk;
  gint64              offset;
  gboolean            backwards;
  GPtrArray          *objects;         /* (element-type GodwitObject): the result */
} Fetch;

struct _GodwitObjectList
{
  GObject             parent_instance;

  GodwitStore        *store;
  GodwitFetchRequest *request;
  guint               n_items;
  gboolean            counted;

  GHashTable         *pages;           /* (element-type guint Page) */
  GQueue              wanted;          /* page indexes to read, newest first */
  GTree              *anchors;         /* (element-type guint gint64): page index → after_pk */
  guint64             clock;
  guint               n_loaded_pages;
  guint               n_fetched_pages;
  GCancellable       *cancellable;
  gboolean            fetching;
  char               *error_message;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GodwitObjectList, godwit_object_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_ENTITY_NAME,
  PROP_COUNTED,
  PROP_LOADING,
  PROP_N_FETCHED_PAGES,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fetch_next_page (GodwitObjectList *self);

static void
fetch_free (gpointer data)
{
  Fetch *fetch = data;

  g_clear_object (&fetch->store);
  g_clear_object (&fetch->request);
  g_clear_pointer (&fetch->objects, g_ptr_array_unref);
  g_free (fetch);
}

static void
item_finalized_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  Page *page = data;

  for (guint i = 0; i < page->items->len; i++)
    {
      if (g_ptr_array_index (page->items, i) == (gpointer) where_the_object_was)
        {
          g_ptr_array_index (page->items, i) = NULL;
          page->n_live_items--;
          return;
        }
    }
}

/* The items live on with their holders. */
static void
page_free (gpointer data)
{
  Page *page = data;

  for (guint i = 0; i < page->items->len; i++)
    {
      GObject *item = g_ptr_array_index (page->items, i);

      if (item != NULL)
        g_object_weak_unref (item, item_finalized_cb, page);
    }

  g_ptr_array_unref (page->items);
  g_clear_pointer (&page->objects, g_ptr_array_unref);
  g_free (page);
}

static int
compare_page_indexes (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  guint index_a = GPOINTER_TO_UINT (a);
  guint index_b = GPOINTER_TO_UINT (b);

  return index_a < index_b ? -1 : index_a > index_b;
}

static void
set_anchor (GodwitObjectList *self,
            guint             page_index,
            gint64            after_pk)
{
  g_tree_replace (self->anchors, GUINT_TO_POINTER (page_index), g_memdup2 (&after_pk, sizeof after_pk));
}

/* Where the worker starts: after_pk when it is known, else the nearest
 * page whose after_pk is known, from which the worker counts objects. */
static void
plan_anchor (GodwitObjectList *self,
             Fetch            *fetch)
{
  guint index = fetch->page_index;
  gint64 *after_pk = g_tree_lookup (self->anchors, GUINT_TO_POINTER (index));
  GTreeNode *upper;
  GTreeNode *lower;
  guint upper_index;
  guint lower_index;

  if (after_pk != NULL)
    {
      fetch->after_pk = *after_pk;
      fetch->after_pk_known = TRUE;
      return;
    }

  /* Page 0 always has an anchor, so there is always a lower one. */
  upper = g_tree_lower_bound (self->anchors, GUINT_TO_POINTER (index));
  lower = upper != NULL ? g_tree_node_previous (upper) : g_tree_node_last (self->anchors);
  lower_index = GPOINTER_TO_UINT (g_tree_node_key (lower));
  upper_index = upper != NULL ? GPOINTER_TO_UINT (g_tree_node_key (upper)) : G_MAXUINT;

  if (upper != NULL && upper_index - index < index - lower_index)
    {
      /* Counting down from the page above: its after_pk is the last
       * object of the page before it. */
      fetch->backwards = TRUE;
      fetch->reference_pk = *(gint64 *) g_tree_node_value (upper);
      fetch->offset = (gint64) (upper_index - index) * PAGE_SIZE;
    }
  else
    {
      fetch->reference_pk = *(gint64 *) g_tree_node_value (lower);
      fetch->offset = (gint64) (index - lower_index) * PAGE_SIZE - 1;
    }
}

static void
fetch_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Fetch *fetch = task_data;
  const char *entity_name = godwit_fetch_request_get_entity_name (fetch->request);
  gboolean include_subentities = godwit_fetch_request_get_includes_subentities (fetch->request);
  g_autoptr(GError) error = NULL;

  if (!godwit_fetch_request_fetches_all_by_pk (fetch->request))
    {
      fetch->objects = godwit_store_execute_fetch_request (fetch->store, fetch->request,
                                                           fetch->page_index * PAGE_SIZE, PAGE_SIZE,
                                                           cancellable, &error);
      if (fetch->objects == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  if (!fetch->after_pk_known)
    {
      gint64 pk = godwit_store_find_object_pk (fetch->store, entity_name, include_subentities,
                                               fetch->reference_pk, fetch->offset, fetch->backwards,
                                               cancellable, &error);

      if (error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      /* The store has fewer objects than counted: the page stays empty. */
      if (pk == 0)
        {
          fetch->objects = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_object_free);
          g_task_return_boolean (task, TRUE);
          return;
        }

      fetch->after_pk = pk;
      fetch->after_pk_known = TRUE;
    }

  fetch->objects = godwit_store_fetch_objects (fetch->store, entity_name, include_subentities,
                                               fetch->after_pk, PAGE_SIZE, cancellable, &error);
  if (fetch->objects == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
set_loading (GodwitObjectList *self,
             gboolean          loading)
{
  if (self->fetching == loading)
    return;

  self->fetching = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Keeps at most MAX_CACHED_PAGES loaded pages, dropping the least
 * recently used among those whose items nobody holds: a page in view, or
 * with the selected object, stays. */
static void
evict_pages (GodwitObjectList *self)
{
  while (self->n_loaded_pages > MAX_CACHED_PAGES)
    {
      GHashTableIter iter;
      Page *oldest = NULL;
      Page *page;

      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page))
        if (page->objects != NULL && page->n_live_items == 0 &&
            (oldest == NULL || page->last_used < oldest->last_used))
          oldest = page;

      if (oldest == NULL)
        return;

      g_hash_table_remove (self->pages, GUINT_TO_POINTER (oldest->index));
      self->n_loaded_pages--;
    }
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(GodwitObjectList) self = g_weak_ref_get (weak);
  Fetch *fetch = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  Page *page;

  g_weak_ref_clear (weak);
  g_free (weak);

  if (self == NULL)
    return;

  set_loading (self, FALSE);
  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (fetch->page_index));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* The placeholders stay placeholders: the page shows the error. */
      g_free (self->error_message);
      self->error_message = g_strdup (error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (fetch->page_index));
      fetch_next_page (self);
      return;
    }

  g_assert (page != NULL && page->objects == NULL);

  if (fetch->after_pk_known)
    set_anchor (self, fetch->page_index, fetch->after_pk);
  if (fetch->after_pk_known && fetch->objects->len == PAGE_SIZE)
    {
      GodwitObject *last = g_ptr_array_index (fetch->objects, fetch->objects->len - 1);

      set_anchor (self, fetch->page_index + 1, last->pk);
    }

  page->objects = g_steal_pointer (&fetch->objects);
  for (guint i = 0; i < page->items->len; i++)
    {
      GodwitObjectItem *item = g_ptr_array_index (page->items, i);

      if (item != NULL)
        godwit_object_item_fill (item, page->objects, i);
    }
  self->n_loaded_pages++;
  self->n_fetched_pages++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FETCHED_PAGES]);

  page->last_used = ++self->clock;
  evict_pages (self);

  fetch_next_page (self);
}

/* Reads the newest wanted page that still has a placeholder alive; a page
 * whose placeholders are all gone scrolled out of view before its turn. */
static void
fetch_next_page (GodwitObjectList *self)
{
  g_autoptr(GTask) task = NULL;
  GWeakRef *weak;
  Fetch *fetch;
  Page *page = NULL;

  if (self->fetching)
    return;

  while (page == NULL && !g_queue_is_empty (&self->wanted))
    {
      guint index = GPOINTER_TO_UINT (g_queue_pop_head (&self->wanted));
      Page *wanted = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));

      if (wanted == NULL || wanted->objects != NULL)
        continue;

      if (wanted->n_live_items > 0)
        page = wanted;
      else
        g_hash_table_remove (self->pages, GUINT_TO_POINTER (index));
    }

  if (page == NULL)
    return;

  fetch = g_new0 (Fetch, 1);
  fetch->store = g_object_ref (self->store);
  fetch->request = g_object_ref (self->request);
  fetch->page_index = page->index;
  if (godwit_fetch_request_fetches_all_by_pk (self->request))
    plan_anchor (self, fetch);

  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);

  task = g_task_new (NULL, self->cancellable, fetch_cb, weak);
  g_task_set_source_tag (task, fetch_next_page);
  g_task_set_task_data (task, fetch, fetch_free);
  set_loading (self, TRUE);
  g_task_run_in_thread (task, fetch_in_thread);
}

static GType
godwit_object_list_get_item_type (GListModel *model)
{
  return GODWIT_TYPE_OBJECT_ITEM;
}

static guint
godwit_object_list_get_n_items (GListModel *model)
{
  return GODWIT_OBJECT_LIST (model)->n_items;
}

static Page *
ensure_page (GodwitObjectList *self,
             guint             index)
{
  Page *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));

  if (page != NULL)
    return page;

  page = g_new0 (Page, 1);
  page->index = index;
  page->n_items = MIN (PAGE_SIZE, self->n_items - index * PAGE_SIZE);
  page->items = g_ptr_array_new ();
  g_ptr_array_set_size (page->items, page->n_items);
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);

  return page;
}

static gpointer
godwit_object_list_get_item (GListModel *model,
                             guint       position)
{
  GodwitObjectList *self = GODWIT_OBJECT_LIST (model);
  GodwitObjectItem *item;
  guint slot = position % PAGE_SIZE;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  page = ensure_page (self, position / PAGE_SIZE);
  page->last_used = ++self->clock;

  /* One item per position while anybody holds it. */
  item = g_ptr_array_index (page->items, slot);
  if (item != NULL)
    return g_object_ref (item);

  item = godwit_object_item_new (position, page->objects, slot);
  g_object_weak_ref (G_OBJECT (item), item_finalized_cb, page);
  g_ptr_array_index (page->items, slot) = item;
  page->n_live_items++;

  /* The page is read while this placeholder lives: ask for it again,
   * newest first. */
  if (page->objects == NULL)
    {
      g_queue_remove (&self->wanted, GUINT_TO_POINTER (page->index));
      g_queue_push_head (&self->wanted, GUINT_TO_POINTER (page->index));
      fetch_next_page (self);
    }

  return item;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = godwit_object_list_get_item_type;
  iface->get_n_items = godwit_object_list_get_n_items;
  iface->get_item = godwit_object_list_get_item;
}

static void
godwit_object_list_dispose (GObject *object)
{
  GodwitObjectList *self = (GodwitObjectList *)object;

  g_cancellable_cancel (self->cancellable);
  g_queue_clear (&self->wanted);
  g_hash_table_remove_all (self->pages);

  G_OBJECT_CLASS (godwit_object_list_parent_class)->dispose (object);
}

static void
godwit_object_list_finalize (GObject *object)
{
  GodwitObjectList *self = (GodwitObjectList *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->request);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->anchors, g_tree_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (godwit_object_list_parent_class)->finalize (object);
}

static void
godwit_object_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GodwitObjectList *self = GODWIT_OBJECT_LIST (object);

  switch (prop_id)
    {
    case PROP_ENTITY_NAME:
      g_value_set_string (value, godwit_fetch_request_get_entity_name (self->request));
      break;

    case PROP_COUNTED:
      g_value_set_boolean (value, self->counted);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->fetching);
      break;

    case PROP_N_FETCHED_PAGES:
      g_value_set_uint (value, self->n_fetched_pages);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_object_list_class_init (GodwitObjectListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = godwit_object_list_dispose;
  object_class->finalize = godwit_object_list_finalize;
  object_class->get_property = godwit_object_list_get_property;

  properties[PROP_ENTITY_NAME] =
    g_param_spec_string ("entity-name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /* FALSE while a sorted or filtered request is counted: the list is
   * empty until then. */
  properties[PROP_COUNTED] =
    g_param_spec_boolean ("counted", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_FETCHED_PAGES] =
    g_param_spec_uint ("n-fetched-pages", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
godwit_object_list_init (GodwitObjectList *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  self->anchors = g_tree_new_full (compare_page_indexes, NULL, NULL, g_free);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->wanted);
}

/* An entity without a table or a Z_PRIMARYKEY row has no objects. */
static gboolean
entity_has_rows (GodwitStore *store,
                 const char  *entity_name)
{
  const GodwitStoreEntity *entity = godwit_store_find_entity (store, entity_name);

  return entity != NULL && entity->table != NULL && entity->entity_number != 0;
}

/**
 * godwit_object_list_new:
 * @entity_name: an entity of @store
 * @include_subentities: list the sub-entities' objects too
 * @n_items: the number of objects, as godwit_store_count_objects() gave it
 *
 * Returns: (transfer full): a list of @n_items objects in Z_PK order, read
 *   when asked for
 */
GodwitObjectList *
godwit_object_list_new (GodwitStore *store,
                        const char  *entity_name,
                        gboolean     include_subentities,
                        guint        n_items)
{
  GodwitObjectList *self;

  g_return_val_if_fail (GODWIT_IS_STORE (store), NULL);
  g_return_val_if_fail (entity_name != NULL, NULL);

  self = g_object_new (GODWIT_TYPE_OBJECT_LIST, NULL);
  self->store = g_object_ref (store);
  self->request = godwit_fetch_request_new (entity_name);
  godwit_fetch_request_set_includes_subentities (self->request, include_subentities);
  self->counted = TRUE;

  if (entity_has_rows (store, entity_name))
    {
      self->n_items = n_items;
      set_anchor (self, 0, G_MININT64);
    }

  return self;
}

static void
count_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Fetch *fetch = task_data;
  g_autoptr(GError) error = NULL;
  gint64 count = godwit_store_count_for_fetch_request (fetch->store, fetch->request, cancellable, &error);

  if (count < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, MIN (count, G_MAXUINT));
}

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(GodwitObjectList) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  gssize count = g_task_propagate_int (G_TASK (result), &error);

  g_weak_ref_clear (weak);
  g_free (weak);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }
  else if (count > 0)
    {
      self->n_items = (guint) count;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);
    }

  self->counted = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTED]);
}

/**
 * godwit_object_list_new_for_fetch_request:
 * @request: what to list; it must not change any more
 *
 * A list of the objects @request fetches, in its order. A sorted or
 * filtered request is counted in a worker thread: the list is empty and
 * not :counted until then.
 *
 * Returns: (transfer full): the list
 */
GodwitObjectList *
godwit_object_list_new_for_fetch_request (GodwitStore        *store,
                                          GodwitFetchRequest *request)
{
  GodwitObjectList *self;
  g_autoptr(GTask) task = NULL;
  GWeakRef *weak;
  Fetch *fetch;

  g_return_val_if_fail (GODWIT_IS_STORE (store), NULL);
  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (request), NULL);

  self = g_object_new (GODWIT_TYPE_OBJECT_LIST, NULL);
  self->store = g_object_ref (store);
  self->request = g_object_ref (request);

  if (!entity_has_rows (store, godwit_fetch_request_get_entity_name (request)))
    {
      self->counted = TRUE;
      return self;
    }

  if (godwit_fetch_request_fetches_all_by_pk (request))
    set_anchor (self, 0, G_MININT64);

  /* A list dropped before it is counted cancels the count: a filter
   * typed letter by letter only runs to the end for its last letter. */
  fetch = g_new0 (Fetch, 1);
  fetch->store = g_object_ref (store);
  fetch->request = g_object_ref (request);
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);

  task = g_task_new (NULL, self->cancellable, count_cb, weak);
  g_task_set_source_tag (task, godwit_object_list_new_for_fetch_request);
  g_task_set_task_data (task, fetch, fetch_free);
  g_task_run_in_thread (task, count_in_thread);

  return self;
}

const char *
godwit_object_list_get_entity_name (GodwitObjectList *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_LIST (self), NULL);

  return godwit_fetch_request_get_entity_name (self->request);
}

/**
 * godwit_object_list_get_fetch_request:
 *
 * Returns: (transfer none): what the list shows; not to be changed
 */
GodwitFetchRequest *
godwit_object_list_get_fetch_request (GodwitObjectList *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_LIST (self), NULL);

  return self->request;
}

/* Whether the number of items is known. */
gboolean
godwit_object_list_get_counted (GodwitObjectList *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_LIST (self), FALSE);

  return self->counted;
}

static void
find_position_in_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  GodwitObjectList *self = source_object;
  gint64 pk = *(gint64 *) task_data;
  g_autoptr(GError) error = NULL;
  gint64 position = godwit_store_find_position_for_fetch_request (self->store, self->request, pk,
                                                                  cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, position);
}

/**
 * godwit_object_list_find_position_async:
 * @pk: the Z_PK of an object
 *
 * Finds the object's position in the list, in a worker thread.
 */
void
godwit_object_list_find_position_async (GodwitObjectList    *self,
                                        gint64               pk,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GODWIT_IS_OBJECT_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, godwit_object_list_find_position_async);
  g_task_set_task_data (task, g_memdup2 (&pk, sizeof pk), g_free);
  g_task_run_in_thread (task, find_position_in_thread);
}

/**
 * godwit_object_list_find_position_finish:
 *
 * Returns: the object's position, -1 when the list does not have it, or
 *   -1 with @error set
 */
gint64
godwit_object_list_find_position_finish (GodwitObjectList  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  gssize position;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  position = g_task_propagate_int (G_TASK (result), error);

  return position < 0 || (guint64) position >= self->n_items ? -1 : position;
}

/* Whether a page is being read. */
gboolean
godwit_object_list_get_loading (GodwitObjectList *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_LIST (self), FALSE);

  return self->fetching;
}

/* The pages read from the store so far, evicted ones included. */
guint
godwit_object_list_get_n_fetched_pages (GodwitObjectList *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_LIST (self), 0);

  return self->n_fetched_pages;
}

/* The pages held in memory now. */
guint
godwit_object_list_get_n_cached_pages (GodwitObjectList *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_LIST (self), 0);

  return self->n_loaded_pages;
}

/* Why the last page could not be read, or NULL. */
const char *
godwit_object_list_get_error_message (GodwitObjectList *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_LIST (self), NULL);

  return self->error_message;
}
