/* godwit-fetch-request.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a Core Data fetch request says, for a store read through Godwit:
 * an entity (its sub-entities' objects included by default), sort
 * descriptors, and two predicates: one that matches a text against the
 * string attributes (and the Z_PK), one that keeps a set of Z_PKs.
 *
 * Without sort descriptor and predicate a request is paged by Z_PK, as
 * godwit_store_fetch_objects() reads. Otherwise SQLite sorts and filters
 * the entity's rows once, into the ordered Z_PKs of the request's objects;
 * they are kept per store (the store is a snapshot), so that any page is
 * then read by position with one lookup by Z_PK, however deep into a
 * million objects it is. Nothing is written anywhere: the Z_PKs stay in
 * memory.
 */

#define G_LOG_DOMAIN "godwit-fetch-request"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-fetch-request-private.h"
#include "godwit-fetch-request.h"
#include "godwit-sql-private.h"
#include "godwit-store-private.h"

/* Requests whose Z_PKs a store keeps: going back to a list just seen
 * does not sort again. */
#define MAX_KEPT_RESULTS 8

#define CONTAINS_TEXT_FUNCTION "godwit_contains_text"

typedef struct
{
  char     *key;
  gboolean  ascending;
} SortDescriptor;

struct _GodwitFetchRequest
{
  GObject   parent_instance;

  char     *entity_name;
  gboolean  includes_subentities;
  GArray   *sort_descriptors;    /* SortDescriptor */
  char     *text;                /* (nullable) */
  GArray   *pks;                 /* (nullable) (element-type gint64) */
};

G_DEFINE_FINAL_TYPE (GodwitFetchRequest, godwit_fetch_request, G_TYPE_OBJECT)

/* The ordered Z_PKs of recent requests, per store, by request key. */
typedef struct
{
  GHashTable *results;           /* (element-type utf8 GArray) */
  GQueue      keys;              /* (element-type utf8) (unowned) newest first */
} KeptResults;

static GQuark kept_results_quark;

static void
sort_descriptor_clear (gpointer data)
{
  SortDescriptor *descriptor = data;

  g_free (descriptor->key);
}

static void
godwit_fetch_request_finalize (GObject *object)
{
  GodwitFetchRequest *self = (GodwitFetchRequest *)object;

  g_free (self->entity_name);
  g_array_unref (self->sort_descriptors);
  g_free (self->text);
  g_clear_pointer (&self->pks, g_array_unref);

  G_OBJECT_CLASS (godwit_fetch_request_parent_class)->finalize (object);
}

static void
godwit_fetch_request_class_init (GodwitFetchRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_fetch_request_finalize;

  kept_results_quark = g_quark_from_static_string ("godwit-fetch-request-kept-results");
}

static void
godwit_fetch_request_init (GodwitFetchRequest *self)
{
  self->includes_subentities = TRUE;
  self->sort_descriptors = g_array_new (FALSE, FALSE, sizeof (SortDescriptor));
  g_array_set_clear_func (self->sort_descriptors, sort_descriptor_clear);
}

/**
 * godwit_fetch_request_new:
 * @entity_name: the entity whose objects to fetch
 *
 * A request for every object of the entity and of its sub-entities, in
 * Z_PK order. A request must not change while a store executes it.
 *
 * Returns: (transfer full): a new request
 */
GodwitFetchRequest *
godwit_fetch_request_new (const char *entity_name)
{
  GodwitFetchRequest *self;

  g_return_val_if_fail (entity_name != NULL, NULL);

  self = g_object_new (GODWIT_TYPE_FETCH_REQUEST, NULL);
  self->entity_name = g_strdup (entity_name);

  return self;
}

/**
 * godwit_fetch_request_copy:
 *
 * Returns: (transfer full): a request for the same objects in the same
 *   order, to change without changing @self
 */
GodwitFetchRequest *
godwit_fetch_request_copy (GodwitFetchRequest *self)
{
  GodwitFetchRequest *copy;

  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (self), NULL);

  copy = godwit_fetch_request_new (self->entity_name);
  copy->includes_subentities = self->includes_subentities;
  for (guint i = 0; i < self->sort_descriptors->len; i++)
    {
      SortDescriptor *descriptor = &g_array_index (self->sort_descriptors, SortDescriptor, i);

      godwit_fetch_request_add_sort_descriptor (copy, descriptor->key, descriptor->ascending);
    }
  copy->text = g_strdup (self->text);
  if (self->pks != NULL)
    godwit_fetch_request_set_pk_predicate (copy, (const gint64 *) self->pks->data, self->pks->len);

  return copy;
}

const char *
godwit_fetch_request_get_entity_name (GodwitFetchRequest *self)
{
  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (self), NULL);

  return self->entity_name;
}

/* Whether the sub-entities' objects are fetched too: by default, as in
 * Core Data. */
void
godwit_fetch_request_set_includes_subentities (GodwitFetchRequest *self,
                                               gboolean            includes_subentities)
{
  g_return_if_fail (GODWIT_IS_FETCH_REQUEST (self));

  self->includes_subentities = !!includes_subentities;
}

gboolean
godwit_fetch_request_get_includes_subentities (GodwitFetchRequest *self)
{
  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (self), FALSE);

  return self->includes_subentities;
}

/**
 * godwit_fetch_request_add_sort_descriptor:
 * @key: an attribute of the entity, or %GODWIT_FETCH_REQUEST_PK_KEY
 * @ascending: the order
 *
 * Sorts by @key after the sort descriptors added before. Values compare
 * as SQLite compares them, as Core Data's SQL does: NULL before any
 * value, numbers (dates too) by value, strings by their bytes
 * (`compare:`); descending reverses all of it. Objects that compare equal
 * come in Z_PK order.
 */
void
godwit_fetch_request_add_sort_descriptor (GodwitFetchRequest *self,
                                          const char         *key,
                                          gboolean            ascending)
{
  SortDescriptor descriptor;

  g_return_if_fail (GODWIT_IS_FETCH_REQUEST (self));
  g_return_if_fail (key != NULL);

  descriptor.key = g_strdup (key);
  descriptor.ascending = !!ascending;
  g_array_append_val (self->sort_descriptors, descriptor);
}

guint
godwit_fetch_request_get_n_sort_descriptors (GodwitFetchRequest *self)
{
  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (self), 0);

  return self->sort_descriptors->len;
}

/**
 * godwit_fetch_request_get_sort_descriptor:
 * @ascending: (out) (optional): the order
 *
 * Returns: the key of the sort descriptor at @index
 */
const char *
godwit_fetch_request_get_sort_descriptor (GodwitFetchRequest *self,
                                          guint               index,
                                          gboolean           *ascending)
{
  SortDescriptor *descriptor;

  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (self), NULL);
  g_return_val_if_fail (index < self->sort_descriptors->len, NULL);

  descriptor = &g_array_index (self->sort_descriptors, SortDescriptor, index);
  if (ascending != NULL)
    *ascending = descriptor->ascending;

  return descriptor->key;
}

/**
 * godwit_fetch_request_set_text_predicate:
 * @text: (nullable): the text to look for; %NULL or "" for none
 *
 * Keeps the objects one of whose string attributes (URI ones included,
 * and with the sub-entities' objects their attributes too) contains
 * @text, case aside as Unicode case folding sets it aside, and composed
 * and decomposed characters alike; and the object whose Z_PK @text is,
 * written as a number or as the end of an object URI ("p12").
 */
void
godwit_fetch_request_set_text_predicate (GodwitFetchRequest *self,
                                         const char         *text)
{
  g_return_if_fail (GODWIT_IS_FETCH_REQUEST (self));

  g_free (self->text);
  self->text = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

const char *
godwit_fetch_request_get_text_predicate (GodwitFetchRequest *self)
{
  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (self), NULL);

  return self->text;
}

/**
 * godwit_fetch_request_set_pk_predicate:
 * @pks: (array length=n_pks) (nullable): Z_PKs
 *
 * Keeps only the objects whose Z_PK is among @pks, such as the
 * destination objects of a to-many relationship; %NULL keeps every
 * object. With a text predicate too, an object must match both.
 */
void
godwit_fetch_request_set_pk_predicate (GodwitFetchRequest *self,
                                       const gint64       *pks,
                                       gsize               n_pks)
{
  g_return_if_fail (GODWIT_IS_FETCH_REQUEST (self));
  g_return_if_fail (pks != NULL || n_pks == 0);
  g_return_if_fail (n_pks <= G_MAXUINT);

  g_clear_pointer (&self->pks, g_array_unref);
  if (pks == NULL)
    return;

  self->pks = g_array_sized_new (FALSE, FALSE, sizeof (gint64), (guint) n_pks);
  g_array_append_vals (self->pks, pks, (guint) n_pks);
}

/**
 * godwit_fetch_request_get_pk_predicate:
 * @n_pks: (out): how many
 *
 * Returns: (array length=n_pks) (nullable): the Z_PKs kept, or %NULL
 */
const gint64 *
godwit_fetch_request_get_pk_predicate (GodwitFetchRequest *self,
                                       gsize              *n_pks)
{
  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (self), NULL);
  g_return_val_if_fail (n_pks != NULL, NULL);

  *n_pks = self->pks != NULL ? self->pks->len : 0;

  return self->pks != NULL ? (const gint64 *) self->pks->data : NULL;
}

/* Whether the request fetches every object in ascending Z_PK order, as
 * godwit_store_fetch_objects() pages them, so that a list can page it by
 * Z_PK itself. */
gboolean
godwit_fetch_request_fetches_all_by_pk (GodwitFetchRequest *self)
{
  SortDescriptor *first;

  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (self), FALSE);

  if (self->text != NULL || self->pks != NULL)
    return FALSE;
  if (self->sort_descriptors->len == 0)
    return TRUE;

  /* Z_PK is unique: descriptors after it change nothing. */
  first = &g_array_index (self->sort_descriptors, SortDescriptor, 0);

  return first->ascending && strcmp (first->key, GODWIT_FETCH_REQUEST_PK_KEY) == 0;
}

static void
checksum_add_part (GChecksum  *checksum,
                   const void *data,
                   gsize       length)
{
  guint64 size = length;

  g_checksum_update (checksum, (const guchar *) &size, sizeof size);
  g_checksum_update (checksum, data, length);
}

/* Equal for requests that fetch the same objects in the same order. */
static char *
dup_request_key (GodwitFetchRequest *self)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 includes = self->includes_subentities;

  checksum_add_part (checksum, self->entity_name, strlen (self->entity_name));
  checksum_add_part (checksum, &includes, 1);
  for (guint i = 0; i < self->sort_descriptors->len; i++)
    {
      SortDescriptor *descriptor = &g_array_index (self->sort_descriptors, SortDescriptor, i);
      guint8 ascending = descriptor->ascending;

      checksum_add_part (checksum, descriptor->key, strlen (descriptor->key));
      checksum_add_part (checksum, &ascending, 1);
    }
  checksum_add_part (checksum, self->text != NULL ? self->text : "", self->text != NULL ? strlen (self->text) + 1 : 0);
  if (self->pks != NULL)
    checksum_add_part (checksum, self->pks->data, self->pks->len * sizeof (gint64));
  else
    checksum_add_part (checksum, "", 0);

  return g_strdup (g_checksum_get_string (checksum));
}

/* ---- Matching text -------------------------------------------------- */

static gboolean
is_ascii (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if ((guchar) text[i] >= 0x80)
      return FALSE;

  return TRUE;
}

/* Case folded and composed, so that case and the composition of accented
 * characters do not count. */
static char *
fold_text (const char *text,
           gssize      length)
{
  g_autofree char *valid = g_utf8_make_valid (text, length);
  g_autofree char *folded = g_utf8_casefold (valid, -1);

  return g_utf8_normalize (folded, -1, G_NORMALIZE_DEFAULT_COMPOSE);
}

/* @needle is folded ASCII: lower case. */
static gboolean
ascii_contains (const char *haystack,
                gsize       haystack_length,
                const char *needle,
                gsize       needle_length)
{
  for (gsize start = 0; start + needle_length <= haystack_length; start++)
    {
      gsize i = 0;

      while (i < needle_length && g_ascii_tolower (haystack[start + i]) == needle[i])
        i++;
      if (i == needle_length)
        return TRUE;
    }

  return FALSE;
}

/* godwit_contains_text(value, text): 1 when the text value contains
 * @text as the text predicate compares them. The folded @text is kept
 * for the whole statement; an ASCII value, the common case, is compared
 * without copying it. */
static void
contains_text_function (sqlite3_context  *context,
                        int               argc,
                        sqlite3_value   **argv)
{
  const char *needle = sqlite3_get_auxdata (context, 1);
  g_autofree char *new_needle = NULL;
  const char *haystack;
  gsize haystack_length;
  gboolean found;

  if (sqlite3_value_type (argv[0]) != SQLITE_TEXT || sqlite3_value_type (argv[1]) != SQLITE_TEXT)
    {
      sqlite3_result_int (context, 0);
      return;
    }

  if (needle == NULL)
    {
      new_needle = fold_text ((const char *) sqlite3_value_text (argv[1]), sqlite3_value_bytes (argv[1]));
      needle = new_needle;
    }

  haystack = (const char *) sqlite3_value_text (argv[0]);
  haystack_length = (gsize) sqlite3_value_bytes (argv[0]);

  if (haystack == NULL)
    found = FALSE;
  else if (is_ascii (haystack, haystack_length))
    {
      /* ASCII folds to ASCII: it cannot hold a folded non-ASCII text. */
      found = is_ascii (needle, strlen (needle)) &&
              ascii_contains (haystack, haystack_length, needle, strlen (needle));
    }
  else
    {
      g_autofree char *folded = fold_text (haystack, (gssize) haystack_length);

      found = strstr (folded, needle) != NULL;
    }

  sqlite3_result_int (context, found);

  /* Kept after its last use here: SQLite may free it at once. */
  if (new_needle != NULL)
    sqlite3_set_auxdata (context, 1, g_steal_pointer (&new_needle), g_free);
}

/* Called once per connection, when the store is opened. */
int
_godwit_fetch_request_register_functions (sqlite3 *db)
{
  return sqlite3_create_function_v2 (db, CONTAINS_TEXT_FUNCTION, 2,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                     NULL, contains_text_function, NULL, NULL, NULL);
}

/* The Z_PK that @text names, "12" or "p12", or 0. */
static gint64
parse_pk (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  const char *digits = stripped[0] == 'p' ? stripped + 1 : stripped;
  guint64 pk;

  if (!g_ascii_isdigit (digits[0]) ||
      !g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &pk, NULL))
    return 0;

  return (gint64) pk;
}

/* ---- Running requests ------------------------------------------------ */

static void
kept_results_free (gpointer data)
{
  KeptResults *kept = data;

  g_hash_table_unref (kept->results);
  g_queue_clear (&kept->keys);
  g_free (kept);
}

/* Called with the store locked. */
static KeptResults *
get_kept_results (GodwitStore *store)
{
  KeptResults *kept = g_object_get_qdata (G_OBJECT (store), kept_results_quark);

  if (kept == NULL)
    {
      kept = g_new0 (KeptResults, 1);
      kept->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
      g_queue_init (&kept->keys);
      g_object_set_qdata_full (G_OBJECT (store), kept_results_quark, kept, kept_results_free);
    }

  return kept;
}

/* "ORDER BY …" of the request's sort descriptors, Z_PK last. */
static gboolean
append_order_by (GodwitFetchRequest       *self,
                 GodwitStore              *store,
                 const GodwitStoreEntity  *entity,
                 GString                  *sql,
                 GError                  **error)
{
  g_string_append (sql, " ORDER BY ");

  for (guint i = 0; i < self->sort_descriptors->len; i++)
    {
      SortDescriptor *descriptor = &g_array_index (self->sort_descriptors, SortDescriptor, i);
      const char *direction = descriptor->ascending ? "" : " DESC";
      g_autofree char *column = NULL;
      g_autofree char *quoted = NULL;

      if (strcmp (descriptor->key, GODWIT_FETCH_REQUEST_PK_KEY) == 0)
        {
          g_string_append_printf (sql, "Z_PK%s", direction);
          return TRUE;
        }

      column = _godwit_store_dup_attribute_column (store, entity, descriptor->key, error);
      if (column == NULL)
        {
          g_prefix_error (error, _("cannot sort by “%s”: "), descriptor->key);
          return FALSE;
        }

      quoted = _godwit_sql_quote_identifier (column);
      g_string_append_printf (sql, "%s%s, ", quoted, direction);
    }

  g_string_append (sql, "Z_PK");

  return TRUE;
}

/* Sorts and filters the entity's rows in SQLite; called with the store
 * locked for @entity. The result is kept.
 *
 * Returns: (transfer full): the Z_PKs of the request's objects in order */
static GArray *
fetch_pks (GodwitFetchRequest       *self,
           GodwitStore              *store,
           const GodwitStoreEntity  *entity,
           GError                  **error)
{
  KeptResults *kept = get_kept_results (store);
  g_autofree char *key = dup_request_key (self);
  g_autofree char *condition = NULL;
  g_autofree char *quoted_table = NULL;
  g_autoptr(GString) sql = g_string_new ("SELECT Z_PK FROM ");
  g_autoptr(GString) json = NULL;
  g_autoptr(GArray) pks = NULL;
  GArray *result = g_hash_table_lookup (kept->results, key);
  sqlite3_stmt *statement;
  gint64 text_pk = 0;
  int rc;

  if (result != NULL)
    {
      GList *link = g_queue_find_custom (&kept->keys, key, (GCompareFunc) strcmp);

      g_queue_unlink (&kept->keys, link);
      g_queue_push_head_link (&kept->keys, link);
      return g_array_ref (result);
    }

  quoted_table = _godwit_sql_quote_identifier (entity->table);
  condition = _godwit_store_dup_entity_condition (store, entity, self->includes_subentities);
  g_string_append_printf (sql, "%s WHERE %s", quoted_table, condition != NULL ? condition : "1");

  if (self->text != NULL)
    {
      g_autoptr(GPtrArray) columns = _godwit_store_dup_text_columns (store, entity, self->includes_subentities,
                                                                     error);
      gboolean any = FALSE;

      if (columns == NULL)
        return NULL;

      text_pk = parse_pk (self->text);
      g_string_append (sql, " AND (");
      for (guint i = 0; i < columns->len; i++)
        {
          g_autofree char *quoted = _godwit_sql_quote_identifier (g_ptr_array_index (columns, i));

          g_string_append_printf (sql, "%s" CONTAINS_TEXT_FUNCTION "(%s, ?1)", any ? " OR " : "", quoted);
          any = TRUE;
        }
      if (text_pk > 0)
        {
          g_string_append_printf (sql, "%sZ_PK = ?2", any ? " OR " : "");
          any = TRUE;
        }
      g_string_append (sql, any ? ")" : "0)");
    }

  if (self->pks != NULL)
    {
      /* Any number of Z_PKs in one statement: as a JSON array. */
      json = g_string_new ("[");
      for (guint i = 0; i < self->pks->len; i++)
        g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index (self->pks, gint64, i));
      g_string_append_c (json, ']');
      g_string_append (sql, " AND Z_PK IN (SELECT value FROM json_each(?3))");
    }

  if (!append_order_by (self, store, entity, sql, error))
    return NULL;

  statement = _godwit_store_prepare_locked (store, sql->str, error);
  if (statement == NULL)
    return NULL;

  if (self->text != NULL)
    sqlite3_bind_text (statement, 1, self->text, -1, SQLITE_STATIC);
  if (text_pk > 0)
    sqlite3_bind_int64 (statement, 2, text_pk);
  if (json != NULL)
    sqlite3_bind_text (statement, 3, json->str, (int) json->len, SQLITE_STATIC);

  pks = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      gint64 pk = sqlite3_column_int64 (statement, 0);

      if (pks->len == GODWIT_FETCH_REQUEST_MAX_OBJECTS)
        {
          sqlite3_reset (statement);
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                       _("%s: more than %d objects of %s to sort or filter"), godwit_store_get_path (store),
                       GODWIT_FETCH_REQUEST_MAX_OBJECTS, entity->name);
          return NULL;
        }

      g_array_append_val (pks, pk);
    }

  sqlite3_reset (statement);
  /* The statement stays prepared: the bound strings must not outlive it. */
  sqlite3_clear_bindings (statement);

  if (rc != SQLITE_DONE)
    {
      _godwit_store_set_sqlite_error (store, rc, _("sorting and filtering objects"), error);
      return NULL;
    }

  /* The queue shares the table's keys. */
  g_hash_table_insert (kept->results, key, g_array_ref (pks));
  g_queue_push_head (&kept->keys, g_steal_pointer (&key));
  while (kept->keys.length > MAX_KEPT_RESULTS)
    g_hash_table_remove (kept->results, g_queue_pop_tail (&kept->keys));

  return g_steal_pointer (&pks);
}

/**
 * godwit_store_count_for_fetch_request:
 *
 * Counts the objects @request fetches. A sorted or filtered request is run
 * here, in SQLite, and its order kept for the pages that follow.
 *
 * Returns: the number of objects, or -1 with @error set
 */
gint64
godwit_store_count_for_fetch_request (GodwitStore         *store,
                                      GodwitFetchRequest  *request,
                                      GCancellable        *cancellable,
                                      GError             **error)
{
  const GodwitStoreEntity *entity;
  g_autoptr(GArray) pks = NULL;

  g_return_val_if_fail (GODWIT_IS_STORE (store), -1);
  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (request), -1);

  if (godwit_fetch_request_fetches_all_by_pk (request))
    return godwit_store_count_objects (store, request->entity_name, request->includes_subentities,
                                       cancellable, error);

  if (!_godwit_store_lock_entity (store, request->entity_name, cancellable, &entity, error))
    return -1;
  if (entity == NULL)
    return 0;

  pks = fetch_pks (request, store, entity, error);
  _godwit_store_unlock (store);

  return pks != NULL ? (gint64) pks->len : -1;
}

/**
 * godwit_store_execute_fetch_request:
 * @offset: the position of the first object to fetch (Core Data's
 *   fetchOffset)
 * @limit: at most this many objects (its fetchLimit)
 *
 * Fetches the objects of @request from @offset on, decoded as
 * godwit_store_fetch_objects() decodes them.
 *
 * Returns: (transfer full) (element-type GodwitObject): the objects, or
 *   %NULL with @error set
 */
GPtrArray *
godwit_store_execute_fetch_request (GodwitStore         *store,
                                    GodwitFetchRequest  *request,
                                    guint                offset,
                                    guint                limit,
                                    GCancellable        *cancellable,
                                    GError             **error)
{
  const GodwitStoreEntity *entity;
  g_autoptr(GArray) pks = NULL;
  GPtrArray *objects = NULL;

  g_return_val_if_fail (GODWIT_IS_STORE (store), NULL);
  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (request), NULL);

  if (godwit_fetch_request_fetches_all_by_pk (request))
    {
      gint64 pk = G_MININT64;

      /* The Z_PK index finds where the page starts. */
      if (offset > 0)
        {
          pk = godwit_store_find_object_pk (store, request->entity_name, request->includes_subentities,
                                            G_MININT64, offset - 1, FALSE, cancellable, error);
          if (pk < 0)
            return NULL;
          if (pk == 0)
            return g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_object_free);
        }

      return godwit_store_fetch_objects (store, request->entity_name, request->includes_subentities,
                                         pk, limit, cancellable, error);
    }

  if (!_godwit_store_lock_entity (store, request->entity_name, cancellable, &entity, error))
    return NULL;
  if (entity == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_object_free);

  pks = fetch_pks (request, store, entity, error);
  if (pks != NULL)
    {
      guint start = MIN (offset, pks->len);
      guint n = MIN (limit, pks->len - start);

      objects = _godwit_store_fetch_objects_with_pks (store, entity, &g_array_index (pks, gint64, start),
                                                      n, error);
    }
  _godwit_store_unlock (store);

  return objects;
}

/**
 * godwit_store_find_position_for_fetch_request:
 * @pk: the Z_PK of an object
 *
 * Finds where the object is among those @request fetches, as a list that
 * shows them needs to select it.
 *
 * Returns: its position; -1 when @request does not fetch it, or -1 with
 *   @error set
 */
gint64
godwit_store_find_position_for_fetch_request (GodwitStore         *store,
                                              GodwitFetchRequest  *request,
                                              gint64               pk,
                                              GCancellable        *cancellable,
                                              GError             **error)
{
  const GodwitStoreEntity *entity;
  gint64 position = -1;

  g_return_val_if_fail (GODWIT_IS_STORE (store), -1);
  g_return_val_if_fail (GODWIT_IS_FETCH_REQUEST (request), -1);

  if (!_godwit_store_lock_entity (store, request->entity_name, cancellable, &entity, error))
    return -1;
  if (entity == NULL)
    return -1;

  if (godwit_fetch_request_fetches_all_by_pk (request))
    {
      g_autofree char *quoted_table = _godwit_sql_quote_identifier (entity->table);
      g_autofree char *condition = _godwit_store_dup_entity_condition (store, entity,
                                                                       request->includes_subentities);
      g_autofree char *sql = NULL;
      sqlite3_stmt *statement;

      /* Counting the Z_PKs below it reads the Z_PK index only. */
      sql = g_strdup_printf ("SELECT (SELECT COUNT(*) FROM %s WHERE Z_PK < ?1 AND %s),"
                             " EXISTS (SELECT 1 FROM %s WHERE Z_PK = ?1 AND %s)",
                             quoted_table, condition != NULL ? condition : "1",
                             quoted_table, condition != NULL ? condition : "1");
      statement = _godwit_store_prepare_locked (store, sql, error);
      if (statement != NULL)
        {
          int rc;

          sqlite3_bind_int64 (statement, 1, pk);
          rc = sqlite3_step (statement);
          if (rc == SQLITE_ROW)
            position = sqlite3_column_int64 (statement, 1) ? sqlite3_column_int64 (statement, 0) : -1;
          else
            _godwit_store_set_sqlite_error (store, rc, _("finding an object's position"), error);
          sqlite3_reset (statement);
        }
    }
  else
    {
      g_autoptr(GArray) pks = fetch_pks (request, store, entity, error);

      for (guint i = 0; pks != NULL && i < pks->len && position < 0; i++)
        if (g_array_index (pks, gint64, i) == pk)
          position = i;
    }

  _godwit_store_unlock (store);

  return position;
}
