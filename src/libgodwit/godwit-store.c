/* godwit-store.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A Core Data SQLite store, open for reading through the read-only VFS:
 * metadata, Z_PRIMARYKEY, the cached model, and objects decoded through
 * the layout of a bound model (or, without a model, through the tables
 * alone). The connection is a snapshot of the store as it was when opened,
 * so counts are cached.
 */

#define G_LOG_DOMAIN "godwit-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-fetch-request-private.h"
#include "godwit-model-archive-private.h"
#include "godwit-plist.h"
#include "godwit-readonly-vfs-private.h"
#include "godwit-sql-private.h"
#include "godwit-store-layout.h"
#include "godwit-store-private.h"
#include "godwit-value-private.h"

#define SQLITE_HEADER "SQLite format 3"

/* Z_PRIMARYKEY rows: a Core Data model has tens or hundreds of entities,
 * and each row read takes a few hundred bytes. */
#define MAX_PRIMARY_KEY_ROWS 100000

/* How a relationship is read for one entity, found once from the layout. */
typedef enum
{
  LINK_NONE,
  LINK_TO_ONE,          /* an FK column in the object's own row */
  LINK_TO_MANY,         /* one-to-many: the destination rows whose FK names us */
  LINK_JOIN_TABLE,      /* many-to-many */
} LinkKind;

typedef struct
{
  GodwitProperty *property;        /* (unowned) */
  LinkKind        kind;
  GodwitEntity   *destination;     /* (unowned) declared destination */
  int             fk_index;        /* LINK_TO_ONE: select-list index of the FK */
  int             fk_entity_index; /* LINK_TO_ONE: of Z<n>_REL, or -1 */
  char           *sql;             /* LINK_TO_MANY, LINK_JOIN_TABLE: rows of (owner, Z_PK, Z_ENT) */
} Link;

typedef struct
{
  GodwitProperty *property;        /* (unowned) */
  int             index;           /* select-list index */
} AttributeSlot;

/* Per concrete entity: which select-list entries are its values. */
typedef struct
{
  GodwitEntity *entity;            /* (unowned) */
  GArray       *attributes;        /* AttributeSlot */
  GArray       *links;             /* Link */
} EntityPlan;

/* Per table: one SELECT of every column the model maps there. */
typedef struct
{
  char       *table;
  GPtrArray  *columns;             /* (element-type utf8) select list after Z_PK, Z_ENT, Z_OPT */
  GHashTable *index_by_column;     /* (element-type utf8 int) */
  GHashTable *declared_types;      /* (element-type utf8 utf8) from PRAGMA table_info */
} TablePlan;

struct _GodwitStore
{
  GObject            parent_instance;

  GMutex             mutex;
  char              *path;
  sqlite3           *db;
  GCancellable      *cancellable;      /* (nullable) of the query running now */

  char              *uuid;
  plist_t            metadata;
  gboolean           metadata_is_null;
  GHashTable        *version_hashes;   /* (element-type utf8 GBytes) */
  GPtrArray         *primary_keys;     /* (element-type GodwitPrimaryKeyRow) */
  GHashTable        *rows_by_name;     /* (element-type utf8 GodwitPrimaryKeyRow) unowned */
  GHashTable        *rows_by_number;   /* (element-type uint GodwitPrimaryKeyRow) unowned */
  char              *journal_mode;
  GBytes            *model_cache;
  gint64             model_cache_size; /* of a cache too large to read, else 0 */
  gboolean           has_history;
  GHashTable        *table_names;      /* (element-type utf8 utf8): upper-case → real name */

  GodwitModel       *model;
  GodwitStoreLayout *layout;
  GPtrArray         *entities;         /* (element-type GodwitStoreEntity) */
  GHashTable        *entities_by_name; /* (element-type utf8 GodwitStoreEntity) unowned */
  GPtrArray         *warnings;         /* (element-type utf8) */
  GHashTable        *table_plans;      /* (element-type utf8 TablePlan) */
  GHashTable        *entity_plans;     /* (element-type utf8 EntityPlan) */
  GHashTable        *counts;           /* (element-type uint gint64*): objects per Z_ENT, cached */
  GHashTable        *counted_tables;   /* (element-type utf8) */
  GHashTable        *statements;       /* (element-type utf8 sqlite3_stmt) */
  GHashTable        *uri_prefixes;     /* (element-type uint utf8) */
};

G_DEFINE_FINAL_TYPE (GodwitStore, godwit_store, G_TYPE_OBJECT)

static void
primary_key_row_free (gpointer data)
{
  GodwitPrimaryKeyRow *row = data;

  g_free (row->name);
  g_free (row);
}

static void
store_entity_free (gpointer data)
{
  GodwitStoreEntity *entity = data;

  g_free (entity->name);
  g_free (entity->parent_name);
  g_free (entity->table);
  g_free (entity);
}

static void
table_plan_free (gpointer data)
{
  TablePlan *plan = data;

  g_free (plan->table);
  g_ptr_array_unref (plan->columns);
  g_hash_table_unref (plan->index_by_column);
  g_hash_table_unref (plan->declared_types);
  g_free (plan);
}

static void
statement_free (gpointer data)
{
  sqlite3_finalize (data);
}

static void
link_clear (gpointer data)
{
  Link *link = data;

  g_free (link->sql);
}

static void
entity_plan_free (gpointer data)
{
  EntityPlan *plan = data;

  g_array_unref (plan->attributes);
  g_array_unref (plan->links);
  g_free (plan);
}

void
godwit_object_free (GodwitObject *object)
{
  if (object == NULL)
    return;

  g_free (object->entity);
  g_free (object->uri);
  g_clear_pointer (&object->attributes, json_object_unref);
  g_clear_pointer (&object->relationships, json_object_unref);
  g_free (object);
}

static void
clear_bound_model (GodwitStore *self)
{
  g_clear_object (&self->model);
  g_clear_object (&self->layout);
  g_hash_table_remove_all (self->table_plans);
  g_hash_table_remove_all (self->entity_plans);
  g_hash_table_remove_all (self->entities_by_name);
  g_ptr_array_set_size (self->entities, 0);
  g_ptr_array_set_size (self->warnings, 0);
}

static void
godwit_store_finalize (GObject *object)
{
  GodwitStore *self = (GodwitStore *) object;

  clear_bound_model (self);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->uri_prefixes, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->uuid, g_free);
  if (self->metadata != NULL)
    plist_free (self->metadata);
  g_clear_pointer (&self->version_hashes, g_hash_table_unref);
  g_clear_pointer (&self->rows_by_name, g_hash_table_unref);
  g_clear_pointer (&self->rows_by_number, g_hash_table_unref);
  g_clear_pointer (&self->primary_keys, g_ptr_array_unref);
  g_clear_pointer (&self->journal_mode, g_free);
  g_clear_pointer (&self->model_cache, g_bytes_unref);
  g_clear_pointer (&self->table_names, g_hash_table_unref);
  g_clear_pointer (&self->entities, g_ptr_array_unref);
  g_clear_pointer (&self->entities_by_name, g_hash_table_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->table_plans, g_hash_table_unref);
  g_clear_pointer (&self->entity_plans, g_hash_table_unref);
  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_clear_pointer (&self->counted_tables, g_hash_table_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (godwit_store_parent_class)->finalize (object);
}

static void
godwit_store_class_init (GodwitStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_store_finalize;
}

static void
godwit_store_init (GodwitStore *self)
{
  g_mutex_init (&self->mutex);
  self->version_hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_bytes_unref);
  self->primary_keys = g_ptr_array_new_with_free_func (primary_key_row_free);
  self->rows_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->rows_by_number = g_hash_table_new (NULL, NULL);
  self->table_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->entities = g_ptr_array_new_with_free_func (store_entity_free);
  self->entities_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->table_plans = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, table_plan_free);
  self->entity_plans = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entity_plan_free);
  self->counts = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->counted_tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, statement_free);
  self->uri_prefixes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

/* Maps an SQLite failure to the error a user can act on. */
static gboolean
set_sqlite_error (GodwitStore  *self,
                  int           rc,
                  const char   *doing,
                  GError      **error)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_NOTADB)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NOT_SQLITE,
                 _("%s: not an SQLite database"), self->path);
  else if (primary == SQLITE_CORRUPT)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                 /* Translators: the store's path, SQLite's message and what Godwit
                  * was doing, e.g. “reading objects” */
                 _("%s: the store is damaged (%s) while %s"), self->path,
                 sqlite3_errmsg (self->db), doing);
  else if (primary == SQLITE_INTERRUPT && self->cancellable != NULL &&
           g_cancellable_is_cancelled (self->cancellable))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("%s: cancelled"), self->path);
  else if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                 /* Translators: the store's path, SQLite's message and what Godwit
                  * was doing, e.g. “reading objects” */
                 _("%s: could not read the store (%s) while %s"), self->path,
                 sqlite3_errmsg (self->db), doing);
  else
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                 /* Translators: the store's path, SQLite's message and what Godwit
                  * was doing, e.g. “reading objects” */
                 _("%s: %s while %s"), self->path, sqlite3_errmsg (self->db), doing);

  return FALSE;
}

static int
progress_handler (gpointer user_data)
{
  GodwitStore *self = user_data;

  return self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable);
}

/* Statements are cached for the life of the store: paging runs the same
 * few queries thousands of times. Called with the mutex held. */
static sqlite3_stmt *
prepare (GodwitStore  *self,
         const char   *sql,
         GError      **error)
{
  sqlite3_stmt *statement = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (statement != NULL)
    {
      sqlite3_reset (statement);
      sqlite3_clear_bindings (statement);
      return statement;
    }

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &statement, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, _("preparing a query"), error);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), statement);

  return statement;
}

static gboolean
check_sqlite_header (const char  *path,
                     GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  char header[16] = { 0 };
  gsize read = 0;

  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s", path, local_error->message);
      return FALSE;
    }

  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), header, sizeof header, &read, NULL, &local_error))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s", path, local_error->message);
      return FALSE;
    }

  if (read < sizeof header || memcmp (header, SQLITE_HEADER, sizeof SQLITE_HEADER) != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NOT_SQLITE,
                   read == 0 ? _("%s: the file is empty, not an SQLite database")
                             : _("%s: not an SQLite database (no SQLite header)"),
                   path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
load_table_names (GodwitStore  *self,
                  GError      **error)
{
  sqlite3_stmt *statement;
  int rc;

  statement = prepare (self, "SELECT name FROM sqlite_master WHERE type = 'table'", error);
  if (statement == NULL)
    return FALSE;

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (statement, 0);

      if (name != NULL)
        g_hash_table_replace (self->table_names, g_ascii_strup (name, -1), g_strdup (name));
    }

  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, _("listing the tables"), error);

  return TRUE;
}

static const char *
lookup_table (GodwitStore *self,
              const char  *name)
{
  g_autofree char *upper = g_ascii_strup (name, -1);

  return g_hash_table_lookup (self->table_names, upper);
}

static gboolean
load_metadata (GodwitStore  *self,
               GError      **error)
{
  sqlite3_stmt *statement;
  g_autofree char *origin = NULL;
  plist_t hashes;
  int rc;

  /* A plist too large to parse is not read at all: length() does not
   * load it. */
  statement = prepare (self, "SELECT Z_UUID, CASE WHEN length(Z_PLIST) <= " G_STRINGIFY (GODWIT_PLIST_MAX_SIZE)
                       " THEN Z_PLIST END, length(Z_PLIST) FROM Z_METADATA ORDER BY Z_VERSION LIMIT 1", error);
  if (statement == NULL)
    return FALSE;

  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("%s: Z_METADATA has no row: the store's metadata is missing"), self->path);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return set_sqlite_error (self, rc, _("reading Z_METADATA"), error);

  if (sqlite3_column_type (statement, 0) != SQLITE_NULL)
    self->uuid = g_utf8_make_valid ((const char *) sqlite3_column_text (statement, 0), -1);

  origin = g_strdup_printf ("%s: Z_METADATA.Z_PLIST", self->path);

  if (sqlite3_column_int64 (statement, 2) > GODWIT_PLIST_MAX_SIZE)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: the property list is larger than %d MiB"), origin, GODWIT_PLIST_MAX_SIZE / (1024 * 1024));
      return FALSE;
    }

  if (sqlite3_column_type (statement, 1) == SQLITE_NULL || sqlite3_column_bytes (statement, 1) == 0)
    {
      /* Seen in real stores (NotesV7.storedata): no plist at all. */
      self->metadata_is_null = TRUE;
      self->metadata = plist_new_dict ();
    }
  else
    {
      const guint8 *blob = sqlite3_column_blob (statement, 1);
      int size = sqlite3_column_bytes (statement, 1);

      self->metadata = godwit_plist_new_from_data (blob, size, origin, error);
      if (self->metadata == NULL)
        return FALSE;

      if (plist_get_node_type (self->metadata) != PLIST_DICT)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                       _("%s: not a dictionary"), origin);
          return FALSE;
        }
    }

  hashes = plist_dict_get_item (self->metadata, "NSStoreModelVersionHashes");
  if (hashes != NULL)
    {
      GHashTable *version_hashes = godwit_plist_dup_version_hashes (hashes, origin, error);

      if (version_hashes == NULL)
        return FALSE;

      g_hash_table_unref (self->version_hashes);
      self->version_hashes = version_hashes;
    }

  return TRUE;
}

static gboolean
load_primary_keys (GodwitStore  *self,
                   GError      **error)
{
  sqlite3_stmt *statement;
  int rc;

  statement = prepare (self, "SELECT Z_ENT, Z_NAME, Z_SUPER, Z_MAX FROM Z_PRIMARYKEY ORDER BY Z_ENT", error);
  if (statement == NULL)
    return FALSE;

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      GodwitPrimaryKeyRow *row;

      if (sqlite3_column_type (statement, 1) != SQLITE_TEXT)
        continue;

      if (self->primary_keys->len == MAX_PRIMARY_KEY_ROWS)
        {
          sqlite3_reset (statement);
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                       _("%s: Z_PRIMARYKEY has more than %d entities"), self->path, MAX_PRIMARY_KEY_ROWS);
          return FALSE;
        }

      row = g_new0 (GodwitPrimaryKeyRow, 1);
      row->entity_number = (guint) sqlite3_column_int64 (statement, 0);
      row->name = g_utf8_make_valid ((const char *) sqlite3_column_text (statement, 1), -1);
      row->super_number = (guint) sqlite3_column_int64 (statement, 2);
      row->max_pk = sqlite3_column_int64 (statement, 3);
      g_ptr_array_add (self->primary_keys, row);
      g_hash_table_insert (self->rows_by_name, row->name, row);
      g_hash_table_insert (self->rows_by_number, GUINT_TO_POINTER (row->entity_number), row);
    }

  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, _("reading Z_PRIMARYKEY"), error);

  return TRUE;
}

static gboolean
load_model_cache (GodwitStore  *self,
                  GError      **error)
{
  sqlite3_stmt *statement;
  int rc;

  if (lookup_table (self, "Z_MODELCACHE") == NULL)
    return TRUE;

  /* A cache too large to inflate is not read at all: length() does not
   * load it. */
  statement = prepare (self, "SELECT CASE WHEN length(Z_CONTENT) <= " G_STRINGIFY (GODWIT_PLIST_MAX_SIZE)
                       " THEN Z_CONTENT END, typeof(Z_CONTENT) = 'blob', length(Z_CONTENT) FROM Z_MODELCACHE LIMIT 1",
                       error);
  if (statement == NULL)
    return FALSE;

  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW && sqlite3_column_int (statement, 1) && sqlite3_column_type (statement, 0) == SQLITE_NULL)
    self->model_cache_size = sqlite3_column_int64 (statement, 2);
  else if (rc == SQLITE_ROW && sqlite3_column_type (statement, 0) == SQLITE_BLOB)
    self->model_cache = g_bytes_new (sqlite3_column_blob (statement, 0),
                                     sqlite3_column_bytes (statement, 0));
  else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, _("reading Z_MODELCACHE"), error);

  return TRUE;
}

static gboolean
load_journal_mode (GodwitStore  *self,
                   GError      **error)
{
  sqlite3_stmt *statement;
  int rc;

  statement = prepare (self, "PRAGMA journal_mode", error);
  if (statement == NULL)
    return FALSE;

  rc = sqlite3_step (statement);
  if (rc != SQLITE_ROW)
    return set_sqlite_error (self, rc, _("reading the journal mode"), error);

  self->journal_mode = g_strdup ((const char *) sqlite3_column_text (statement, 0));

  return TRUE;
}

static void collect_entity_numbers (GodwitStore *self,
                                    guint        number,
                                    GArray      *numbers);
static char *entity_filter_sql      (GArray      *numbers);

static GodwitPrimaryKeyRow *
row_for_number (GodwitStore *self,
                guint        number)
{
  return g_hash_table_lookup (self->rows_by_number, GUINT_TO_POINTER (number));
}

static GodwitPrimaryKeyRow *
root_row (GodwitStore         *self,
          GodwitPrimaryKeyRow *row)
{
  guint guard = 0;

  while (row != NULL && row->super_number != 0 && guard++ < self->primary_keys->len)
    {
      GodwitPrimaryKeyRow *parent = row_for_number (self, row->super_number);

      if (parent == NULL)
        break;
      row = parent;
    }

  return row;
}

static char *
table_name_for_entity (const char *name)
{
  g_autofree char *upper = g_ascii_strup (name, -1);

  return g_strconcat ("Z", upper, NULL);
}

static int
compare_store_entities (gconstpointer a,
                        gconstpointer b)
{
  const GodwitStoreEntity *ea = *(const GodwitStoreEntity * const *) a;
  const GodwitStoreEntity *eb = *(const GodwitStoreEntity * const *) b;

  return strcmp (ea->name, eb->name);
}

/* Without a model: entities from Z_PRIMARYKEY, tables by Core Data's
 * naming rule, confirmed against sqlite_master. */
static void
build_schema_only_entities (GodwitStore *self)
{
  for (guint i = 0; i < self->primary_keys->len; i++)
    {
      GodwitPrimaryKeyRow *row = g_ptr_array_index (self->primary_keys, i);
      GodwitPrimaryKeyRow *root = root_row (self, row);
      GodwitPrimaryKeyRow *parent = row->super_number ? row_for_number (self, row->super_number) : NULL;
      GodwitStoreEntity *entity;
      g_autofree char *table = NULL;
      const char *real_table;

      /* The persistent-history entities are shown by the history API. */
      if (row->entity_number >= 16000)
        continue;

      table = table_name_for_entity (root->name);
      real_table = lookup_table (self, table);

      entity = g_new0 (GodwitStoreEntity, 1);
      entity->name = g_strdup (row->name);
      entity->entity_number = row->entity_number;
      entity->parent_name = parent != NULL ? g_strdup (parent->name) : NULL;
      entity->table = g_strdup (real_table);
      g_ptr_array_add (self->entities, entity);
      g_hash_table_insert (self->entities_by_name, entity->name, entity);

      if (real_table == NULL)
        g_ptr_array_add (self->warnings,
                         g_strdup_printf (_("entity %s: table %s is missing"), row->name, table));
    }

  g_ptr_array_sort (self->entities, compare_store_entities);
}

static GodwitStore *
open_store (const char    *path,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GodwitStore) self = NULL;
  int rc;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s", path, g_strerror (ENOENT));
      return NULL;
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_WRONG_FILE_TYPE,
                   _("%s: is a directory, not a store file"), path);
      return NULL;
    }

  if (!check_sqlite_header (path, error))
    return NULL;

  _godwit_readonly_vfs_register ();

  self = g_object_new (GODWIT_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = _godwit_sql_open (path, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, GODWIT_READONLY_VFS_NAME,
                         &self->db);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, _("opening"), error);
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_progress_handler (self->db, 10000, progress_handler, self);

  /* Large sorts stay in memory: the read-only VFS lets SQLite write no
   * file, temporary ones included. */
  rc = sqlite3_exec (self->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = _godwit_fetch_request_register_functions (self->db);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, _("opening"), error);
      return NULL;
    }

  g_mutex_lock (&self->mutex);
  self->cancellable = cancellable;

  if (!load_table_names (self, error))
    goto failed;

  if (lookup_table (self, "Z_METADATA") == NULL || lookup_table (self, "Z_PRIMARYKEY") == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NOT_CORE_DATA_STORE,
                   _("%s: an SQLite database, but not a Core Data store (it has no %s table)"),
                   path, lookup_table (self, "Z_METADATA") == NULL ? "Z_METADATA" : "Z_PRIMARYKEY");
      goto failed;
    }

  if (!load_metadata (self, error) ||
      !load_primary_keys (self, error) ||
      !load_model_cache (self, error) ||
      !load_journal_mode (self, error))
    goto failed;

  self->has_history = lookup_table (self, "ATRANSACTION") != NULL &&
                      lookup_table (self, "ACHANGE") != NULL;

  build_schema_only_entities (self);

  self->cancellable = NULL;
  g_mutex_unlock (&self->mutex);

  return g_steal_pointer (&self);

failed:
  self->cancellable = NULL;
  g_mutex_unlock (&self->mutex);
  return NULL;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GodwitStore *store = open_store (task_data, cancellable, &error);

  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

/**
 * godwit_store_open_async:
 *
 * Opens a store for reading in a worker thread. Nothing beside the store
 * is created, changed or removed, and content still in its -wal is seen.
 */
void
godwit_store_open_async (const char          *path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, godwit_store_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

GodwitStore *
godwit_store_open_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The blocking wrapper for the CLI: the same work, in this thread. */
GodwitStore *
godwit_store_open (const char    *path,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  task = g_task_new (NULL, cancellable, NULL, NULL);
  g_task_set_source_tag (task, godwit_store_open);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread_sync (task, open_thread);

  return g_task_propagate_pointer (task, error);
}

const char *
godwit_store_get_path (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  return self->path;
}

const char *
godwit_store_get_uuid (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  return self->uuid;
}

/**
 * godwit_store_get_metadata:
 *
 * Returns: (transfer none): the Z_METADATA plist dictionary with every key
 *   the store has, known or not; empty when Z_PLIST is NULL.
 */
plist_t
godwit_store_get_metadata (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  return self->metadata;
}

gboolean
godwit_store_get_metadata_is_null (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), FALSE);

  return self->metadata_is_null;
}

gint64
godwit_store_get_framework_version (GodwitStore *self)
{
  gint64 version = -1;

  g_return_val_if_fail (GODWIT_IS_STORE (self), -1);

  if (!godwit_plist_get_int (plist_dict_get_item (self->metadata, "NSPersistenceFrameworkVersion"), &version))
    return -1;

  return version;
}

/**
 * godwit_store_get_version_hashes:
 *
 * Returns: (transfer none) (element-type utf8 GBytes): the metadata's
 *   NSStoreModelVersionHashes.
 */
GHashTable *
godwit_store_get_version_hashes (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  return self->version_hashes;
}

GPtrArray *
godwit_store_get_primary_keys (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  return self->primary_keys;
}

const char *
godwit_store_get_journal_mode (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  return self->journal_mode;
}

gboolean
godwit_store_has_model_cache (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), FALSE);

  return self->model_cache != NULL || self->model_cache_size > 0;
}

gboolean
godwit_store_has_persistent_history (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), FALSE);

  return self->has_history;
}

/**
 * godwit_store_load_cached_model:
 *
 * Decodes the model Core Data cached in Z_MODELCACHE.
 *
 * Returns: (transfer full): the model, or %NULL with %GODWIT_ERROR_NO_MODEL
 *   when the store has no cache.
 */
GodwitModel *
godwit_store_load_cached_model (GodwitStore  *self,
                                GError      **error)
{
  g_autofree char *origin = NULL;

  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  origin = g_strdup_printf ("%s: Z_MODELCACHE", self->path);

  if (self->model_cache_size > 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: the model cache is larger than %d MiB"), origin, GODWIT_PLIST_MAX_SIZE / (1024 * 1024));
      return NULL;
    }

  if (self->model_cache == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NO_MODEL,
                   _("%s: the store has no cached model (no Z_MODELCACHE)"), self->path);
      return NULL;
    }

  return _godwit_model_new_from_model_cache (g_bytes_get_data (self->model_cache, NULL),
                                             g_bytes_get_size (self->model_cache),
                                             origin, error);
}

static GHashTable *
read_table_columns (GodwitStore  *self,
                    const char   *table,
                    GError      **error)
{
  g_autoptr(GHashTable) columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *quoted = _godwit_sql_quote_identifier (table);
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info(%s)", quoted);
  sqlite3_stmt *statement;
  int rc;

  statement = prepare (self, sql, error);
  if (statement == NULL)
    return NULL;

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (statement, 1);
      const char *type = (const char *) sqlite3_column_text (statement, 2);

      if (name != NULL)
        g_hash_table_replace (columns, g_strdup (name), g_strdup (type != NULL ? type : ""));
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, _("reading a table's columns"), error);
      return NULL;
    }

  return g_steal_pointer (&columns);
}

/* The select list of a table: the columns the model puts there that the
 * store really has (PRAGMA table_info), never a guessed name. */
static TablePlan *
ensure_table_plan (GodwitStore  *self,
                   const char   *table,
                   GError      **error)
{
  TablePlan *plan = g_hash_table_lookup (self->table_plans, table);
  g_autoptr(GHashTable) columns = NULL;

  if (plan != NULL)
    return plan;

  columns = read_table_columns (self, table, error);
  if (columns == NULL)
    return NULL;

  plan = g_new0 (TablePlan, 1);
  plan->table = g_strdup (table);
  plan->columns = g_ptr_array_new_with_free_func (g_free);
  plan->index_by_column = g_hash_table_new (g_str_hash, g_str_equal);
  plan->declared_types = g_steal_pointer (&columns);
  g_hash_table_insert (self->table_plans, plan->table, plan);

  return plan;
}

static int
table_plan_add_column (TablePlan  *plan,
                       const char *column)
{
  gpointer index;

  if (g_hash_table_lookup_extended (plan->index_by_column, column, NULL, &index))
    return GPOINTER_TO_INT (index);

  g_ptr_array_add (plan->columns, g_strdup (column));
  /* Z_PK, Z_ENT and Z_OPT come first in every select. */
  g_hash_table_insert (plan->index_by_column, g_ptr_array_index (plan->columns, plan->columns->len - 1),
                       GINT_TO_POINTER (plan->columns->len + 2));

  return plan->columns->len + 2;
}

static int
plan_column (GodwitStore      *self,
             TablePlan        *plan,
             GodwitEntity     *entity,
             GodwitProperty   *property,
             GodwitColumnRole  role)
{
  const GodwitColumn *column = godwit_store_layout_find_column (self->layout, entity, property->name, role);

  if (column == NULL)
    return -1;

  if (!g_hash_table_contains (plan->declared_types, column->name))
    {
      g_ptr_array_add (self->warnings,
                       g_strdup_printf (_("%s.%s: column %s is missing from table %s"),
                                        entity->name, property->name, column->name, plan->table));
      return -1;
    }

  return table_plan_add_column (plan, column->name);
}

static const GodwitStoreEntity *
store_entity_for_model_entity (GodwitStore  *self,
                               GodwitEntity *entity)
{
  return g_hash_table_lookup (self->entities_by_name, entity->name);
}

/* Rows of (owner Z_PK, Z_PK, Z_ENT) of the objects a one-to-many
 * relationship holds, for a range of owners (one query serves a page):
 * the destination rows whose foreign key names the owner. That key is the
 * inverse to-one's column, or for a to-many without inverse the Z<n><REL>
 * column Core Data adds to the destination's table. */
static char *
to_many_sql (GodwitStore    *self,
             GodwitEntity   *entity,
             GodwitProperty *relationship,
             GodwitEntity   *destination)
{
  GodwitProperty *inverse = relationship->inverse_name != NULL
    ? godwit_entity_find_property (destination, relationship->inverse_name) : NULL;
  const GodwitTable *table = godwit_store_layout_get_table (self->layout, destination);
  const GodwitColumn *fk;
  const GodwitColumn *order = NULL;
  g_autofree char *quoted_table = NULL;
  g_autofree char *quoted_fk = NULL;
  g_autofree char *order_by = NULL;
  g_autofree char *entity_filter = NULL;
  const GodwitStoreEntity *store_destination;

  if (table == NULL || lookup_table (self, table->name) == NULL)
    return NULL;

  if (inverse != NULL)
    {
      if (inverse->to_many)
        return NULL;
      fk = godwit_store_layout_find_column (self->layout, destination, inverse->name, GODWIT_COLUMN_ROLE_TO_ONE);
      if (relationship->ordered)
        order = godwit_store_layout_find_column (self->layout, destination, inverse->name, GODWIT_COLUMN_ROLE_ORDER);
    }
  else
    {
      fk = godwit_store_layout_find_column (self->layout, entity, relationship->name,
                                            GODWIT_COLUMN_ROLE_TO_MANY_OWNER);
      if (relationship->ordered)
        order = godwit_store_layout_find_column (self->layout, entity, relationship->name, GODWIT_COLUMN_ROLE_ORDER);
    }

  if (fk == NULL)
    return NULL;

  quoted_table = _godwit_sql_quote_identifier (table->name);
  quoted_fk = _godwit_sql_quote_identifier (fk->name);

  if (order != NULL)
    {
      g_autofree char *quoted_order = _godwit_sql_quote_identifier (order->name);

      order_by = g_strdup_printf ("%s, Z_PK", quoted_order);
    }
  else
    order_by = g_strdup ("Z_PK");

  /* A hierarchy shares its table: only rows of the destination or its
   * sub-entities belong to this relationship. */
  store_destination = store_entity_for_model_entity (self, destination);
  if (destination->parent != NULL && store_destination != NULL)
    {
      g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autofree char *filter = NULL;

      collect_entity_numbers (self, store_destination->entity_number, numbers);
      filter = entity_filter_sql (numbers);
      entity_filter = g_strdup_printf (" AND %s", filter);
    }

  return g_strdup_printf ("SELECT %s, Z_PK, Z_ENT FROM %s WHERE %s BETWEEN ?1 AND ?2%s ORDER BY %s, %s",
                          quoted_fk, quoted_table, quoted_fk, entity_filter ? entity_filter : "",
                          quoted_fk, order_by);
}

static char *
join_table_sql (GodwitStore    *self,
                GodwitEntity   *entity,
                GodwitProperty *relationship,
                GodwitEntity   *destination)
{
  const GodwitJoinTable *join = godwit_store_layout_find_join_table (self->layout, entity, relationship->name);
  const GodwitTable *destination_table = godwit_store_layout_get_table (self->layout, destination);
  const char *own_column;
  const char *other_column;
  const char *order_column;
  g_autofree char *quoted_join = NULL;
  g_autofree char *quoted_destination = NULL;
  g_autofree char *quoted_own = NULL;
  g_autofree char *quoted_other = NULL;

  if (join == NULL || destination_table == NULL || lookup_table (self, join->name) == NULL)
    return NULL;

  /* Which side of the join table is ours: the relationship it was named
   * for, or its inverse (a reflexive table has both on one entity). */
  if (join->relationship == relationship)
    {
      own_column = join->column;
      other_column = join->inverse_column;
      order_column = join->order_column;
    }
  else
    {
      own_column = join->inverse_column;
      other_column = join->column;
      order_column = join->inverse_order_column;
    }

  quoted_join = _godwit_sql_quote_identifier (join->name);
  quoted_destination = _godwit_sql_quote_identifier (destination_table->name);
  quoted_own = _godwit_sql_quote_identifier (own_column);
  quoted_other = _godwit_sql_quote_identifier (other_column);

  if (relationship->ordered && order_column != NULL)
    {
      g_autofree char *quoted_order = _godwit_sql_quote_identifier (order_column);

      return g_strdup_printf ("SELECT j.%s, d.Z_PK, d.Z_ENT FROM %s j JOIN %s d ON d.Z_PK = j.%s"
                              " WHERE j.%s BETWEEN ?1 AND ?2 ORDER BY j.%s, j.%s, d.Z_PK",
                              quoted_own, quoted_join, quoted_destination, quoted_other, quoted_own,
                              quoted_own, quoted_order);
    }

  return g_strdup_printf ("SELECT j.%s, d.Z_PK, d.Z_ENT FROM %s j JOIN %s d ON d.Z_PK = j.%s"
                          " WHERE j.%s BETWEEN ?1 AND ?2 ORDER BY j.%s, d.Z_PK",
                          quoted_own, quoted_join, quoted_destination, quoted_other, quoted_own, quoted_own);
}

static EntityPlan *
ensure_entity_plan (GodwitStore   *self,
                    GodwitEntity  *entity,
                    GError       **error)
{
  EntityPlan *plan = g_hash_table_lookup (self->entity_plans, entity->name);
  const GodwitTable *table;
  TablePlan *table_plan;
  g_autoptr(GPtrArray) properties = NULL;

  if (plan != NULL)
    return plan;

  table = godwit_store_layout_get_table (self->layout, entity);
  if (table == NULL || lookup_table (self, table->name) == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("%s: entity %s has no table %s in the store"), self->path, entity->name,
                   table != NULL ? table->name : _("(none)"));
      return NULL;
    }

  table_plan = ensure_table_plan (self, lookup_table (self, table->name), error);
  if (table_plan == NULL)
    return NULL;

  plan = g_new0 (EntityPlan, 1);
  plan->entity = entity;
  plan->attributes = g_array_new (FALSE, FALSE, sizeof (AttributeSlot));
  plan->links = g_array_new (FALSE, TRUE, sizeof (Link));
  g_array_set_clear_func (plan->links, link_clear);
  g_hash_table_insert (self->entity_plans, entity->name, plan);

  properties = godwit_entity_dup_all_properties (entity);

  for (guint i = 0; i < properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (properties, i);

      if (!godwit_property_is_stored (property))
        continue;

      if (property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
        {
          AttributeSlot slot = { property, plan_column (self, table_plan, entity, property,
                                                        GODWIT_COLUMN_ROLE_ATTRIBUTE) };

          if (slot.index >= 0)
            g_array_append_val (plan->attributes, slot);
        }
      else
        {
          Link link = { property, LINK_NONE, NULL, -1, -1, NULL };

          link.destination = godwit_model_get_entity (self->model, property->destination_entity);

          if (!property->to_many)
            {
              link.kind = LINK_TO_ONE;
              link.fk_index = plan_column (self, table_plan, entity, property, GODWIT_COLUMN_ROLE_TO_ONE);
              if (godwit_store_layout_find_column (self->layout, entity, property->name,
                                                   GODWIT_COLUMN_ROLE_TO_ONE_ENTITY) != NULL)
                link.fk_entity_index = plan_column (self, table_plan, entity, property,
                                                    GODWIT_COLUMN_ROLE_TO_ONE_ENTITY);
              if (link.fk_index < 0)
                link.kind = LINK_NONE;
            }
          else if (godwit_store_layout_find_join_table (self->layout, entity, property->name) != NULL)
            {
              link.kind = LINK_JOIN_TABLE;
              link.sql = join_table_sql (self, entity, property, link.destination);
            }
          else if (link.destination != NULL)
            {
              link.kind = LINK_TO_MANY;
              link.sql = to_many_sql (self, entity, property, link.destination);
            }

          if (link.kind != LINK_TO_ONE && link.sql == NULL)
            link.kind = LINK_NONE;

          if (link.kind == LINK_NONE)
            g_ptr_array_add (self->warnings,
                             g_strdup_printf (_("%s.%s: the store has no place for this relationship"),
                                              entity->name, property->name));

          g_array_append_val (plan->links, link);
        }
    }

  return plan;
}

/**
 * godwit_store_set_model:
 * @model: (nullable): a resolved model, or %NULL for the schema-only view
 *
 * Binds the model objects are read with. Every column the model's layout
 * names is confirmed against the store's tables; what is missing becomes
 * a schema warning and that property is left out.
 */
gboolean
godwit_store_set_model (GodwitStore  *self,
                        GodwitModel  *model,
                        GError      **error)
{
  g_autoptr(GodwitStoreLayout) layout = NULL;
  GPtrArray *model_entities;

  g_return_val_if_fail (GODWIT_IS_STORE (self), FALSE);
  g_return_val_if_fail (model == NULL || GODWIT_IS_MODEL (model), FALSE);

  if (model != NULL)
    {
      layout = godwit_store_layout_new (model, self->has_history, error);
      if (layout == NULL)
        return FALSE;
    }

  g_mutex_lock (&self->mutex);

  clear_bound_model (self);

  if (model == NULL)
    {
      build_schema_only_entities (self);
      g_mutex_unlock (&self->mutex);
      return TRUE;
    }

  self->model = g_object_ref (model);
  self->layout = g_steal_pointer (&layout);

  model_entities = godwit_model_get_entities (model);
  for (guint i = 0; i < model_entities->len; i++)
    {
      GodwitEntity *model_entity = g_ptr_array_index (model_entities, i);
      GodwitPrimaryKeyRow *row = g_hash_table_lookup (self->rows_by_name, model_entity->name);
      const GodwitTable *table = godwit_store_layout_get_table (self->layout, model_entity);
      GodwitStoreEntity *entity = g_new0 (GodwitStoreEntity, 1);

      entity->name = g_strdup (model_entity->name);
      entity->entity_number = row != NULL ? row->entity_number : 0;
      entity->parent_name = g_strdup (model_entity->parent_name);
      entity->abstract = model_entity->abstract;
      entity->entity = model_entity;
      if (table != NULL)
        entity->table = g_strdup (lookup_table (self, table->name));
      g_ptr_array_add (self->entities, entity);
      g_hash_table_insert (self->entities_by_name, entity->name, entity);

      if (row == NULL)
        g_ptr_array_add (self->warnings,
                         g_strdup_printf (_("entity %s: the store's Z_PRIMARYKEY has no row for it"),
                                          model_entity->name));
      else if (table != NULL && entity->table == NULL)
        g_ptr_array_add (self->warnings,
                         g_strdup_printf (_("entity %s: table %s is missing"), model_entity->name, table->name));
    }

  for (guint i = 0; i < self->primary_keys->len; i++)
    {
      GodwitPrimaryKeyRow *row = g_ptr_array_index (self->primary_keys, i);

      if (row->entity_number < 16000 && godwit_model_get_entity (model, row->name) == NULL)
        g_ptr_array_add (self->warnings,
                         g_strdup_printf (_("entity %s: in the store's Z_PRIMARYKEY but not in the model"),
                                          row->name));
    }

  /* Plan every entity now so that missing columns are reported at once. */
  for (guint i = 0; i < self->entities->len; i++)
    {
      GodwitStoreEntity *entity = g_ptr_array_index (self->entities, i);
      g_autoptr(GError) plan_error = NULL;

      if (entity->table == NULL || entity->entity_number == 0)
        continue;

      if (ensure_entity_plan (self, entity->entity, &plan_error) == NULL)
        g_ptr_array_add (self->warnings, g_strdup (plan_error->message));
    }

  g_mutex_unlock (&self->mutex);

  return TRUE;
}

GodwitModel *
godwit_store_get_model (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  return self->model;
}

/**
 * godwit_store_get_schema_warnings:
 *
 * Returns: (transfer none) (element-type utf8): what the bound model
 *   expects and the store lacks, or the reverse.
 */
GPtrArray *
godwit_store_get_schema_warnings (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  return self->warnings;
}

/**
 * godwit_store_get_entities:
 *
 * Returns: (transfer none) (element-type GodwitStoreEntity): the model's
 *   entities, or Z_PRIMARYKEY's in the schema-only view, by name in byte
 *   order.
 */
GPtrArray *
godwit_store_get_entities (GodwitStore *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  return self->entities;
}

const GodwitStoreEntity *
godwit_store_find_entity (GodwitStore *self,
                          const char  *name)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  if (name == NULL)
    return NULL;

  return g_hash_table_lookup (self->entities_by_name, name);
}

static const GodwitStoreEntity *
require_entity (GodwitStore  *self,
                const char   *name,
                GError      **error)
{
  const GodwitStoreEntity *entity = godwit_store_find_entity (self, name);

  if (entity == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY,
                   _("%s: no entity named “%s”"), self->path, name);
      return NULL;
    }

  if (entity->table == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("%s: entity %s has no table in the store"), self->path, name);
      return NULL;
    }

  return entity;
}

/* Looks up @entity_name and, when it has rows of its own, locks the store
 * for a query that @cancellable interrupts. @out_entity is NULL (and the
 * store not locked) for an entity without rows: entity number 0. */
static gboolean
lock_entity (GodwitStore              *self,
             const char               *entity_name,
             GCancellable             *cancellable,
             const GodwitStoreEntity **out_entity,
             GError                  **error)
{
  const GodwitStoreEntity *entity = require_entity (self, entity_name, error);

  *out_entity = NULL;
  if (entity == NULL)
    return FALSE;

  if (entity->entity_number == 0)
    return TRUE;

  g_mutex_lock (&self->mutex);
  self->cancellable = cancellable;
  *out_entity = entity;

  return TRUE;
}

/* @number and the numbers of every entity below it in Z_PRIMARYKEY. */
static void
collect_entity_numbers (GodwitStore *self,
                        guint        number,
                        GArray      *numbers)
{
  if (numbers->len > self->primary_keys->len)
    return;

  g_array_append_val (numbers, number);

  for (guint i = 0; i < self->primary_keys->len; i++)
    {
      GodwitPrimaryKeyRow *row = g_ptr_array_index (self->primary_keys, i);

      if (row->super_number == number && row->entity_number != number)
        collect_entity_numbers (self, row->entity_number, numbers);
    }
}

static char *
entity_filter_sql (GArray *numbers)
{
  g_autoptr(GString) sql = g_string_new ("Z_ENT IN (");

  for (guint i = 0; i < numbers->len; i++)
    g_string_append_printf (sql, "%s%u", i ? ", " : "", g_array_index (numbers, guint, i));
  g_string_append_c (sql, ')');

  return g_string_free (g_steal_pointer (&sql), FALSE);
}

static gboolean
table_holds_one_entity (GodwitStore *self,
                        const char  *table)
{
  guint rows = 0;

  for (guint i = 0; i < self->primary_keys->len; i++)
    {
      GodwitPrimaryKeyRow *row = g_ptr_array_index (self->primary_keys, i);
      GodwitPrimaryKeyRow *root = root_row (self, row);
      g_autofree char *name = NULL;

      if (row->entity_number >= 16000)
        continue;

      name = table_name_for_entity (root->name);
      if (g_ascii_strcasecmp (name, table) == 0)
        rows++;
    }

  return rows <= 1;
}

/* The condition on Z_ENT that picks the entity's objects (with
 * @include_subentities, its sub-entities' too) from its table, for a
 * WHERE clause after "AND"; NULL when every row of the table is one of
 * them. */
static char *
entity_condition_sql (GodwitStore             *self,
                      const GodwitStoreEntity *entity,
                      gboolean                 include_subentities)
{
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));

  if (include_subentities)
    {
      if (table_holds_one_entity (self, entity->table))
        return NULL;
      collect_entity_numbers (self, entity->entity_number, numbers);
    }
  else
    g_array_append_val (numbers, entity->entity_number);

  return entity_filter_sql (numbers);
}

/* One pass per table gives every entity's count; the snapshot never
 * changes, so it is kept. Called with the mutex held. */
static gboolean
count_table (GodwitStore             *self,
             const GodwitStoreEntity *entity,
             GError                 **error)
{
  g_autofree char *quoted = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *statement;
  gboolean single = table_holds_one_entity (self, entity->table);
  int rc;

  if (g_hash_table_contains (self->counted_tables, entity->table))
    return TRUE;

  quoted = _godwit_sql_quote_identifier (entity->table);
  sql = single ? g_strdup_printf ("SELECT COUNT(*) FROM %s", quoted)
               : g_strdup_printf ("SELECT Z_ENT, COUNT(*) FROM %s GROUP BY Z_ENT", quoted);

  statement = prepare (self, sql, error);
  if (statement == NULL)
    return FALSE;

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      guint number = single ? entity->entity_number : (guint) sqlite3_column_int64 (statement, 0);
      gint64 *count = g_new (gint64, 1);

      *count = sqlite3_column_int64 (statement, single ? 0 : 1);
      g_hash_table_replace (self->counts, GUINT_TO_POINTER (number), count);
    }

  sqlite3_reset (statement);

  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, _("counting objects"), error);

  g_hash_table_add (self->counted_tables, g_strdup (entity->table));

  return TRUE;
}

/**
 * godwit_store_count_objects:
 *
 * Returns: the number of objects of the entity (and of its sub-entities
 *   with @include_subentities), or -1 with @error set.
 */
gint64
godwit_store_count_objects (GodwitStore   *self,
                            const char    *entity_name,
                            gboolean       include_subentities,
                            GCancellable  *cancellable,
                            GError       **error)
{
  const GodwitStoreEntity *entity;
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  gint64 total = 0;

  g_return_val_if_fail (GODWIT_IS_STORE (self), -1);

  if (!lock_entity (self, entity_name, cancellable, &entity, error))
    return -1;
  if (entity == NULL)
    return 0;

  if (!count_table (self, entity, error))
    {
      self->cancellable = NULL;
      g_mutex_unlock (&self->mutex);
      return -1;
    }

  if (include_subentities)
    collect_entity_numbers (self, entity->entity_number, numbers);
  else
    g_array_append_val (numbers, entity->entity_number);

  for (guint i = 0; i < numbers->len; i++)
    {
      gint64 *count = g_hash_table_lookup (self->counts,
                                           GUINT_TO_POINTER (g_array_index (numbers, guint, i)));

      if (count != NULL)
        total += *count;
    }

  self->cancellable = NULL;
  g_mutex_unlock (&self->mutex);

  return total;
}

char *
godwit_store_dup_object_uri (GodwitStore *self,
                             const char  *entity_name,
                             gint64       pk)
{
  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  return g_strdup_printf ("x-coredata://%s/%s/p%" G_GINT64_FORMAT,
                          self->uuid != NULL ? self->uuid : "", entity_name, pk);
}

/**
 * godwit_store_parse_object_uri:
 * @uri: an object ID URI, x-coredata://UUID/Entity/pN
 * @entity_name: (out) (optional) (transfer full): the object's entity
 * @pk: (out) (optional): its Z_PK
 *
 * Reads an object ID URI as godwit_store_dup_object_uri() writes it. The
 * URI must name this store (its UUID) and one of its entities.
 *
 * Returns: whether @uri names an object of this store
 */
gboolean
godwit_store_parse_object_uri (GodwitStore  *self,
                               const char   *uri,
                               char        **entity_name,
                               gint64       *pk)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *prefix = NULL;
  const char *digits;
  guint64 number;

  g_return_val_if_fail (GODWIT_IS_STORE (self), FALSE);

  if (uri == NULL)
    return FALSE;

  prefix = g_strdup_printf ("x-coredata://%s/", self->uuid != NULL ? self->uuid : "");
  if (!g_str_has_prefix (uri, prefix))
    return FALSE;

  parts = g_strsplit (uri + strlen (prefix), "/", 3);
  if (g_strv_length (parts) != 2 || parts[1][0] != 'p' ||
      g_hash_table_lookup (self->rows_by_name, parts[0]) == NULL)
    return FALSE;

  digits = parts[1] + 1;
  if (!g_ascii_isdigit (digits[0]) ||
      !g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &number, NULL))
    return FALSE;

  if (entity_name != NULL)
    *entity_name = g_strdup (parts[0]);
  if (pk != NULL)
    *pk = (gint64) number;

  return TRUE;
}

/* "x-coredata://UUID/Entity/p" is the same for every object of an entity:
 * dump builds millions of these. Called with the mutex held. */
static char *
object_uri (GodwitStore  *self,
            guint         entity_number,
            GodwitEntity *fallback,
            gint64        pk)
{
  const char *prefix = g_hash_table_lookup (self->uri_prefixes, GUINT_TO_POINTER (entity_number));
  char digits[24];
  guint64 magnitude = pk < 0 ? -(guint64) pk : (guint64) pk;
  gsize n = 0;
  gsize prefix_length;
  char *uri;
  char *p;

  if (prefix == NULL)
    {
      GodwitPrimaryKeyRow *row = row_for_number (self, entity_number);
      const char *name = row != NULL ? row->name : fallback != NULL ? fallback->name : "?";
      char *built = g_strdup_printf ("x-coredata://%s/%s/p", self->uuid != NULL ? self->uuid : "", name);

      g_hash_table_insert (self->uri_prefixes, GUINT_TO_POINTER (entity_number), built);
      prefix = built;
    }

  do
    {
      digits[n++] = '0' + magnitude % 10;
      magnitude /= 10;
    }
  while (magnitude != 0);

  prefix_length = strlen (prefix);
  uri = g_malloc (prefix_length + n + 2);
  memcpy (uri, prefix, prefix_length);
  p = uri + prefix_length;
  if (pk < 0)
    *p++ = '-';
  while (n > 0)
    *p++ = digits[--n];
  *p = '\0';

  return uri;
}

static JsonNode *
uri_node (GodwitStore  *self,
          guint         entity_number,
          GodwitEntity *fallback,
          gint64        pk)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *uri = object_uri (self, entity_number, fallback, pk);

  json_node_set_string (node, uri);

  return node;
}

/* Owners whose Z_PKs are this close share one query. */
#define TO_MANY_RUN_GAP 64

static int
compare_pks (gconstpointer a,
             gconstpointer b)
{
  gint64 pk_a = *(const gint64 *) a;
  gint64 pk_b = *(const gint64 *) b;

  return pk_a < pk_b ? -1 : pk_a > pk_b;
}

/* What one related object's URI takes in a to-many array, about: the
 * node, its value and the text. */
#define TO_MANY_URI_BYTES 200

/* Fills the to-many relationships of a page of objects: one query per
 * relationship for each run of close Z_PKs, not one per object. A page in
 * Z_PK order is a single run; a page sorted on an attribute may be many,
 * each read through the index on the foreign key.
 *
 * With @max_size, the page is in Z_PK order and its objects' attributes
 * take @sizes: the page is cut before the first object (but the first)
 * whose related objects would take it past @max_size, as their rows
 * arrive (in owner order), before the URIs of the objects after it are
 * made. */
static gboolean
fill_to_many (GodwitStore  *self,
              GPtrArray    *objects,
              GArray       *sizes,
              gsize         max_size,
              GError      **error)
{
  g_autoptr(GHashTable) positions = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) links = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) pks = g_array_sized_new (FALSE, FALSE, sizeof (gint64), objects->len);
  g_autofree gsize *before = NULL;
  GHashTableIter iter;
  gpointer value;

  if (objects->len == 0 || self->model == NULL)
    return TRUE;

  for (guint i = 0; i < objects->len; i++)
    {
      GodwitObject *object = g_ptr_array_index (objects, i);
      EntityPlan *plan = g_hash_table_lookup (self->entity_plans, object->entity);

      g_hash_table_insert (positions, &object->pk, GUINT_TO_POINTER (i + 1));
      g_array_append_val (pks, object->pk);

      /* An inherited relationship has the same query in every sub-entity. */
      for (guint j = 0; plan != NULL && j < plan->links->len; j++)
        {
          Link *link = &g_array_index (plan->links, Link, j);

          if (link->sql != NULL)
            g_hash_table_insert (links, link->sql, link);
        }
    }

  g_array_sort (pks, compare_pks);

  /* What the objects up to each one take, before the relationship being
   * read. */
  if (max_size > 0)
    {
      before = g_new (gsize, objects->len);
      for (guint i = 0; i < objects->len; i++)
        before[i] = (i > 0 ? before[i - 1] : 0) + g_array_index (sizes, gsize, i);
    }

  g_hash_table_iter_init (&iter, links);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Link *link = value;
      sqlite3_stmt *statement = prepare (self, link->sql, error);
      g_autofree gsize *counts = max_size > 0 ? g_new0 (gsize, objects->len) : NULL;
      gsize added = 0;
      guint start = 0;

      if (statement == NULL)
        return FALSE;

      while (start < pks->len)
        {
          guint end = start;
          int rc;

          /* Unsigned: the distance of any two Z_PKs, sorted, fits. */
          while (end + 1 < pks->len &&
                 (guint64) g_array_index (pks, gint64, end + 1) - (guint64) g_array_index (pks, gint64, end)
                 <= TO_MANY_RUN_GAP)
            end++;

          sqlite3_reset (statement);
          sqlite3_bind_int64 (statement, 1, g_array_index (pks, gint64, start));
          sqlite3_bind_int64 (statement, 2, g_array_index (pks, gint64, end));

          while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
            {
              gint64 owner = sqlite3_column_int64 (statement, 0);
              guint position = GPOINTER_TO_UINT (g_hash_table_lookup (positions, &owner));
              GodwitObject *object;
              JsonArray *array;

              if (position == 0 || position > objects->len)
                continue;
              object = g_ptr_array_index (objects, position - 1);
              if (!json_object_has_member (object->relationships, link->property->name))
                continue;

              if (max_size > 0)
                {
                  /* The page is cut before this owner: its relationships
                   * and those of the objects after it are not read. */
                  if (position > 1 && before[position - 1] + (added + 1) * TO_MANY_URI_BYTES > max_size)
                    {
                      g_ptr_array_set_size (objects, position - 1);
                      g_array_set_size (pks, position - 1);
                      rc = SQLITE_DONE;
                      break;
                    }
                  added++;
                  counts[position - 1]++;
                }

              array = json_object_get_array_member (object->relationships, link->property->name);
              if (array != NULL)
                json_array_add_element (array, uri_node (self, (guint) sqlite3_column_int64 (statement, 2),
                                                         link->destination, sqlite3_column_int64 (statement, 1)));
            }

          sqlite3_reset (statement);

          if (rc != SQLITE_DONE)
            return set_sqlite_error (self, rc, _("reading a to-many relationship"), error);

          start = end + 1;
        }

      /* The URIs read now count for the relationships read next. */
      added = 0;
      for (guint i = 0; max_size > 0 && i < objects->len; i++)
        {
          added += counts[i];
          before[i] += added * TO_MANY_URI_BYTES;
        }
    }

  return TRUE;
}

static void
decode_relationships (GodwitStore   *self,
                      EntityPlan    *plan,
                      sqlite3_stmt  *row,
                      JsonObject    *relationships)
{
  for (guint i = 0; i < plan->links->len; i++)
    {
      Link *link = &g_array_index (plan->links, Link, i);
      const char *name = link->property->name;

      switch (link->kind)
        {
        case LINK_TO_ONE:
          if (sqlite3_column_type (row, link->fk_index) == SQLITE_NULL)
            json_object_set_null_member (relationships, name);
          else
            {
              const GodwitStoreEntity *destination = link->destination != NULL
                ? store_entity_for_model_entity (self, link->destination) : NULL;
              guint number = destination != NULL ? destination->entity_number : 0;

              if (link->fk_entity_index >= 0 && sqlite3_column_type (row, link->fk_entity_index) != SQLITE_NULL)
                number = (guint) sqlite3_column_int64 (row, link->fk_entity_index);

              json_object_set_member (relationships, name,
                                      uri_node (self, number, link->destination,
                                                sqlite3_column_int64 (row, link->fk_index)));
            }
          break;

        case LINK_TO_MANY:
        case LINK_JOIN_TABLE:
          /* Filled for the whole page by fill_to_many(). */
          json_object_set_array_member (relationships, name, json_array_new ());
          break;

        case LINK_NONE:
        default:
          break;
        }
    }

}

static GodwitObject *
decode_object (GodwitStore   *self,
               sqlite3_stmt  *row,
               TablePlan     *table_plan,
               GError       **error)
{
  g_autoptr(GodwitObject) object = g_new0 (GodwitObject, 1);
  GodwitPrimaryKeyRow *entity_row;

  object->pk = sqlite3_column_int64 (row, 0);
  object->entity_number = (guint) sqlite3_column_int64 (row, 1);
  object->opt = sqlite3_column_int64 (row, 2);
  object->attributes = json_object_new ();
  object->relationships = json_object_new ();

  entity_row = row_for_number (self, object->entity_number);
  object->entity = g_strdup (entity_row != NULL ? entity_row->name : "?");
  object->uri = object_uri (self, object->entity_number, NULL, object->pk);

  if (self->model != NULL)
    {
      GodwitEntity *entity = godwit_model_get_entity (self->model, object->entity);
      EntityPlan *plan;

      if (entity == NULL)
        return g_steal_pointer (&object);

      plan = ensure_entity_plan (self, entity, error);
      if (plan == NULL)
        return NULL;

      for (guint i = 0; i < plan->attributes->len; i++)
        {
          AttributeSlot *slot = &g_array_index (plan->attributes, AttributeSlot, i);

          json_object_set_member (object->attributes, slot->property->name,
                                  _godwit_value_to_json (slot->property->attribute_type, row, slot->index));
        }

      decode_relationships (self, plan, row, object->relationships);
    }
  else
    {
      for (guint i = 0; i < table_plan->columns->len; i++)
        {
          const char *column = g_ptr_array_index (table_plan->columns, i);
          const char *declared = g_hash_table_lookup (table_plan->declared_types, column);

          if (sqlite3_column_type (row, i + 3) == SQLITE_NULL)
            continue;

          json_object_set_member (object->attributes, column,
                                  _godwit_value_to_json_for_declared_type (declared, row, i + 3));
        }
    }

  return g_steal_pointer (&object);
}

/* Schema-only view: every column of the table, as SQLite declares it. */
static TablePlan *
ensure_schema_only_plan (GodwitStore  *self,
                         const char   *table,
                         GError      **error)
{
  TablePlan *plan = g_hash_table_lookup (self->table_plans, table);
  g_autofree char *quoted = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *statement;
  int rc;

  if (plan != NULL)
    return plan;

  plan = ensure_table_plan (self, table, error);
  if (plan == NULL)
    return NULL;

  quoted = _godwit_sql_quote_identifier (table);
  sql = g_strdup_printf ("PRAGMA table_info(%s)", quoted);
  statement = prepare (self, sql, error);
  if (statement == NULL)
    return NULL;

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (statement, 1);

      if (name != NULL && strcmp (name, "Z_PK") != 0 && strcmp (name, "Z_ENT") != 0 &&
          strcmp (name, "Z_OPT") != 0)
        table_plan_add_column (plan, name);
    }

  sqlite3_reset (statement);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, _("reading a table's columns"), error);
      return NULL;
    }

  return plan;
}

/* "SELECT Z_PK, Z_ENT, Z_OPT, <every column of the entity's hierarchy>
 * FROM <table>" into @sql, and the plan its rows decode with. Called with
 * the mutex held. */
static TablePlan *
plan_objects_select (GodwitStore              *self,
                     const GodwitStoreEntity  *entity,
                     GString                  *sql,
                     GError                  **error)
{
  g_autofree char *quoted_table = NULL;
  TablePlan *table_plan;

  if (self->model != NULL)
    {
      g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));

      /* Plan the whole hierarchy so that the select list covers every
       * sub-entity's columns too. */
      collect_entity_numbers (self, entity->entity_number, numbers);
      for (guint i = 0; i < numbers->len; i++)
        {
          GodwitPrimaryKeyRow *row = row_for_number (self, g_array_index (numbers, guint, i));
          GodwitEntity *model_entity = row != NULL ? godwit_model_get_entity (self->model, row->name) : NULL;

          if (model_entity != NULL && ensure_entity_plan (self, model_entity, error) == NULL)
            return NULL;
        }
      table_plan = g_hash_table_lookup (self->table_plans, entity->table);
    }
  else
    table_plan = ensure_schema_only_plan (self, entity->table, error);

  if (table_plan == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                     _("%s: entity %s has no readable table"), self->path, entity->name);
      return NULL;
    }

  g_string_assign (sql, "SELECT Z_PK, Z_ENT, Z_OPT");
  for (guint i = 0; i < table_plan->columns->len; i++)
    {
      g_autofree char *quoted = _godwit_sql_quote_identifier (g_ptr_array_index (table_plan->columns, i));

      g_string_append_printf (sql, ", %s", quoted);
    }

  quoted_table = _godwit_sql_quote_identifier (entity->table);
  g_string_append_printf (sql, " FROM %s", quoted_table);

  return table_plan;
}

/* Decodes the rows of @statement, bound and ready to step, into
 * @objects, until their decoded attributes take more than @max_size bytes
 * (0: every row), what each object's take going into @sizes; the
 * statement is reset. Called with the mutex held. */
static gboolean
read_objects (GodwitStore   *self,
              sqlite3_stmt  *statement,
              TablePlan     *table_plan,
              gsize          max_size,
              GPtrArray     *objects,
              GArray        *sizes,
              GError       **error)
{
  gsize size = 0;
  int rc;

  /* The row statement stays live while relationship statements run:
   * they are distinct prepared statements on the same connection. */
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      GodwitObject *object = decode_object (self, statement, table_plan, error);
      g_autoptr(GList) values = NULL;
      gsize object_size;

      if (object == NULL)
        {
          sqlite3_reset (statement);
          return FALSE;
        }

      g_ptr_array_add (objects, object);

      if (max_size == 0)
        continue;
      values = json_object_get_values (object->attributes);
      object_size = 0;
      for (GList *l = values; l != NULL; l = l->next)
        object_size += _godwit_value_estimate_size (l->data);
      g_array_append_val (sizes, object_size);
      size += object_size;
      if (size > max_size)
        {
          rc = SQLITE_DONE;
          break;
        }
    }

  sqlite3_reset (statement);

  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, _("reading objects"), error);

  return TRUE;
}

/**
 * godwit_store_fetch_objects:
 * @after_pk: return objects whose Z_PK is greater (0 for the first page)
 * @limit: at most this many objects
 *
 * A page of the entity's objects, with @include_subentities its
 * sub-entities' too (as a Core Data fetch request returns them by default),
 * in Z_PK order. Paging by Z_PK keeps
 * every page equally fast however deep into the table it is.
 *
 * Returns: (transfer full) (element-type GodwitObject): the objects, or
 *   %NULL with @error set.
 */
GPtrArray *
godwit_store_fetch_objects (GodwitStore   *self,
                            const char    *entity_name,
                            gboolean       include_subentities,
                            gint64         after_pk,
                            guint          limit,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return godwit_store_fetch_objects_sized (self, entity_name, include_subentities, after_pk, limit, 0,
                                           cancellable, error);
}

/**
 * godwit_store_fetch_objects_sized:
 * @max_size: bytes the page's decoded attribute values may take, about;
 *   0 for no bound
 *
 * godwit_store_fetch_objects(), but the page ends after the object whose
 * values take it past @max_size: with large values (long strings,
 * transformable values that unpack to big trees) a page holds a few
 * objects, not @limit of them, and memory stays bounded however many
 * objects have such values. Related objects count too: the page ends
 * before an object whose to-many relationships would take it past
 * @max_size (unless it is the first). A page may then be shorter than
 * @limit before the last objects: only an empty page says that there are
 * no more.
 *
 * Returns: (transfer full) (element-type GodwitObject): at least one
 *   object when there are any, or %NULL with @error set.
 */
GPtrArray *
godwit_store_fetch_objects_sized (GodwitStore   *self,
                                  const char    *entity_name,
                                  gboolean       include_subentities,
                                  gint64         after_pk,
                                  guint          limit,
                                  gsize          max_size,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  const GodwitStoreEntity *entity;
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_object_free);
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autofree char *condition = NULL;
  TablePlan *table_plan;
  sqlite3_stmt *statement;
  gboolean ok = FALSE;

  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  if (!lock_entity (self, entity_name, cancellable, &entity, error))
    return NULL;
  if (entity == NULL)
    return g_steal_pointer (&objects);

  table_plan = plan_objects_select (self, entity, sql, error);
  if (table_plan == NULL)
    goto out;

  condition = entity_condition_sql (self, entity, include_subentities);
  g_string_append (sql, " WHERE Z_PK > ?1");
  if (condition != NULL)
    g_string_append_printf (sql, " AND %s", condition);
  g_string_append (sql, " ORDER BY Z_PK LIMIT ?2");

  statement = prepare (self, sql->str, error);
  if (statement == NULL)
    goto out;

  sqlite3_bind_int64 (statement, 1, after_pk);
  sqlite3_bind_int64 (statement, 2, limit);

  ok = read_objects (self, statement, table_plan, max_size, objects, sizes, error) &&
       fill_to_many (self, objects, sizes, max_size, error);

out:
  self->cancellable = NULL;
  g_mutex_unlock (&self->mutex);

  return ok ? g_steal_pointer (&objects) : NULL;
}

/**
 * godwit_store_find_object_pk:
 * @from_pk: the Z_PK to count from; it need not be an object's
 * @offset: how many objects to pass over, 0 or more
 * @backwards: count down from @from_pk, which is itself counted, instead
 *   of up from the first Z_PK above it
 *
 * Finds the object @offset positions away in the order
 * godwit_store_fetch_objects() pages the entity's objects (with
 * @include_subentities, its sub-entities' too): forwards, the object
 * after the @offset first ones whose Z_PK is greater than @from_pk;
 * backwards, the object after the @offset last ones whose Z_PK is at most
 * @from_pk. A list that knows the last Z_PK of one page finds where any
 * other page starts this way without reading the objects in between.
 *
 * Returns: the object's Z_PK, 0 when there is no such object (Core Data
 *   numbers objects from 1), or -1 with @error set.
 */
gint64
godwit_store_find_object_pk (GodwitStore   *self,
                             const char    *entity_name,
                             gboolean       include_subentities,
                             gint64         from_pk,
                             gint64         offset,
                             gboolean       backwards,
                             GCancellable  *cancellable,
                             GError       **error)
{
  const GodwitStoreEntity *entity;
  g_autofree char *quoted_table = NULL;
  g_autofree char *condition = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *statement;
  gint64 pk = -1;
  int rc;

  g_return_val_if_fail (GODWIT_IS_STORE (self), -1);
  g_return_val_if_fail (offset >= 0, -1);

  if (!lock_entity (self, entity_name, cancellable, &entity, error))
    return -1;
  if (entity == NULL)
    return 0;

  quoted_table = _godwit_sql_quote_identifier (entity->table);
  condition = entity_condition_sql (self, entity, include_subentities);
  sql = g_strdup_printf ("SELECT Z_PK FROM %s WHERE Z_PK %s ?1%s%s ORDER BY Z_PK%s LIMIT 1 OFFSET ?2",
                         quoted_table, backwards ? "<=" : ">",
                         condition != NULL ? " AND " : "", condition != NULL ? condition : "",
                         backwards ? " DESC" : "");

  statement = prepare (self, sql, error);
  if (statement != NULL)
    {
      sqlite3_bind_int64 (statement, 1, from_pk);
      sqlite3_bind_int64 (statement, 2, offset);

      rc = sqlite3_step (statement);
      if (rc == SQLITE_ROW)
        pk = sqlite3_column_int64 (statement, 0);
      else if (rc == SQLITE_DONE)
        pk = 0;
      else
        set_sqlite_error (self, rc, _("finding an object by its position"), error);

      sqlite3_reset (statement);
    }

  self->cancellable = NULL;
  g_mutex_unlock (&self->mutex);

  return pk;
}

/* For godwit-store-history.c, which shares the connection and its lock. */
sqlite3_stmt *
_godwit_store_prepare_locked (GodwitStore  *self,
                              const char   *sql,
                              GError      **error)
{
  return prepare (self, sql, error);
}

gboolean
_godwit_store_set_sqlite_error (GodwitStore  *self,
                                int           rc,
                                const char   *doing,
                                GError      **error)
{
  return set_sqlite_error (self, rc, doing, error);
}

void
_godwit_store_lock (GodwitStore  *self,
                    GCancellable *cancellable)
{
  g_mutex_lock (&self->mutex);
  self->cancellable = cancellable;
}

void
_godwit_store_unlock (GodwitStore *self)
{
  self->cancellable = NULL;
  g_mutex_unlock (&self->mutex);
}

const char *
_godwit_store_entity_name_for_number (GodwitStore *self,
                                      guint        number)
{
  GodwitPrimaryKeyRow *row = row_for_number (self, number);

  return row != NULL ? row->name : NULL;
}

gboolean
_godwit_store_has_table (GodwitStore *self,
                         const char  *name)
{
  return lookup_table (self, name) != NULL;
}

/* For godwit-fetch-request.c, which runs its queries under the store's
 * lock with the store's plans. */
gboolean
_godwit_store_lock_entity (GodwitStore              *self,
                           const char               *entity_name,
                           GCancellable             *cancellable,
                           const GodwitStoreEntity **out_entity,
                           GError                  **error)
{
  return lock_entity (self, entity_name, cancellable, out_entity, error);
}

char *
_godwit_store_dup_entity_condition (GodwitStore             *self,
                                    const GodwitStoreEntity *entity,
                                    gboolean                 include_subentities)
{
  return entity_condition_sql (self, entity, include_subentities);
}

/* The column that holds @attribute_name of @entity's objects: from the
 * bound model's layout, or without a model a column of the table by its
 * own name. Called with the mutex held. */
char *
_godwit_store_dup_attribute_column (GodwitStore              *self,
                                    const GodwitStoreEntity  *entity,
                                    const char               *attribute_name,
                                    GError                  **error)
{
  TablePlan *table_plan = ensure_table_plan (self, entity->table, error);
  const char *column = NULL;

  if (table_plan == NULL)
    return NULL;

  if (self->model != NULL && entity->entity != NULL)
    {
      GodwitProperty *property = godwit_entity_find_property (entity->entity, attribute_name);
      const GodwitColumn *layout_column = NULL;

      if (property != NULL && property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE &&
          godwit_property_is_stored (property))
        layout_column = godwit_store_layout_find_column (self->layout, entity->entity, attribute_name,
                                                         GODWIT_COLUMN_ROLE_ATTRIBUTE);
      if (layout_column != NULL)
        column = layout_column->name;
    }
  else if (strcmp (attribute_name, "Z_ENT") != 0 && strcmp (attribute_name, "Z_OPT") != 0)
    column = attribute_name;

  if (column == NULL || !g_hash_table_contains (table_plan->declared_types, column))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY,
                   _("%s: entity %s has no stored attribute “%s”"), self->path, entity->name, attribute_name);
      return NULL;
    }

  return g_strdup (column);
}

static void
collect_text_columns (GodwitStore  *self,
                      GodwitEntity *entity,
                      gboolean      include_subentities,
                      TablePlan    *table_plan,
                      GPtrArray    *columns,
                      guint         depth)
{
  g_autoptr(GPtrArray) properties = godwit_entity_dup_all_properties (entity);

  for (guint i = 0; i < properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (properties, i);
      const GodwitColumn *column;

      if (property->kind != GODWIT_PROPERTY_KIND_ATTRIBUTE || !godwit_property_is_stored (property) ||
          (property->attribute_type != GODWIT_ATTRIBUTE_TYPE_STRING &&
           property->attribute_type != GODWIT_ATTRIBUTE_TYPE_URI))
        continue;

      column = godwit_store_layout_find_column (self->layout, entity, property->name,
                                                GODWIT_COLUMN_ROLE_ATTRIBUTE);
      if (column != NULL && g_hash_table_contains (table_plan->declared_types, column->name) &&
          !g_ptr_array_find_with_equal_func (columns, column->name, g_str_equal, NULL))
        g_ptr_array_add (columns, g_strdup (column->name));
    }

  /* The model is resolved, so the hierarchy has no cycle; the depth is a
   * guard all the same. */
  for (guint i = 0; include_subentities && entity->subentities != NULL && i < entity->subentities->len &&
                    depth < self->primary_keys->len; i++)
    collect_text_columns (self, g_ptr_array_index (entity->subentities, i), TRUE, table_plan,
                          columns, depth + 1);
}

static int
compare_column_names (gconstpointer a,
                      gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The columns of @entity's string attributes (and URI ones, stored as
 * text), with @include_subentities those of its sub-entities too; without
 * a model, the table's columns of text affinity. Called with the mutex
 * held. */
GPtrArray *
_godwit_store_dup_text_columns (GodwitStore              *self,
                                const GodwitStoreEntity  *entity,
                                gboolean                  include_subentities,
                                GError                  **error)
{
  TablePlan *table_plan = ensure_table_plan (self, entity->table, error);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer name;
  gpointer type;

  if (table_plan == NULL)
    return NULL;

  if (self->model != NULL && entity->entity != NULL)
    {
      collect_text_columns (self, entity->entity, include_subentities, table_plan, columns, 0);
      return g_steal_pointer (&columns);
    }

  /* SQLite's own rule for text affinity. */
  g_hash_table_iter_init (&iter, table_plan->declared_types);
  while (g_hash_table_iter_next (&iter, &name, &type))
    {
      g_autofree char *upper = g_ascii_strup (type, -1);

      if (strstr (upper, "INT") == NULL &&
          (strstr (upper, "CHAR") != NULL || strstr (upper, "CLOB") != NULL || strstr (upper, "TEXT") != NULL))
        g_ptr_array_add (columns, g_strdup (name));
    }
  /* The same columns give the same statement, which stays prepared. */
  g_ptr_array_sort (columns, compare_column_names);

  return g_steal_pointer (&columns);
}

/* The objects whose Z_PKs are @pks, in that order, read in one query.
 * Called with the mutex held. */
GPtrArray *
_godwit_store_fetch_objects_with_pks (GodwitStore              *self,
                                      const GodwitStoreEntity  *entity,
                                      const gint64             *pks,
                                      guint                     n_pks,
                                      GError                  **error)
{
  g_autoptr(GPtrArray) read = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_object_free);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_full (n_pks, (GDestroyNotify) godwit_object_free);
  g_autoptr(GHashTable) by_pk = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new ("[");
  TablePlan *table_plan;
  sqlite3_stmt *statement;

  table_plan = plan_objects_select (self, entity, sql, error);
  if (table_plan == NULL)
    return NULL;

  /* One statement for any number of Z_PKs: they come as a JSON array. */
  g_string_append (sql, " WHERE Z_PK IN (SELECT value FROM json_each(?1))");
  statement = prepare (self, sql->str, error);
  if (statement == NULL)
    return NULL;

  for (guint i = 0; i < n_pks; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "", pks[i]);
  g_string_append_c (json, ']');
  sqlite3_bind_text (statement, 1, json->str, (int) json->len, SQLITE_STATIC);

  if (!read_objects (self, statement, table_plan, 0, read, NULL, error))
    return NULL;

  for (guint i = 0; i < read->len; i++)
    {
      GodwitObject *object = g_ptr_array_index (read, i);

      g_hash_table_insert (by_pk, &object->pk, object);
    }

  /* The objects move from @read to @objects, in the order asked for;
   * every object read has its Z_PK among @pks, so none is left over. */
  g_ptr_array_set_free_func (read, NULL);
  for (guint i = 0; i < n_pks; i++)
    {
      GodwitObject *object = g_hash_table_lookup (by_pk, &pks[i]);

      if (object != NULL)
        {
          g_hash_table_remove (by_pk, &pks[i]);
          g_ptr_array_add (objects, object);
        }
    }

  if (!fill_to_many (self, objects, NULL, 0, error))
    return NULL;

  return g_steal_pointer (&objects);
}
