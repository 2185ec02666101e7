/* godwit-store-writer.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writes a new Core Data SQLite store: the schema of GodwitStoreLayout,
 * Z_PRIMARYKEY and Z_METADATA as Core Data fills them, then objects and
 * relationships, all in one transaction with statements prepared once.
 * Like Core Data's stores it uses incremental auto-vacuum
 * (_NSAutoVacuumLevel "2") and WAL journaling. Z_MODELCACHE is created
 * empty: the writer does not archive models.
 */

#define G_LOG_DOMAIN "godwit-store-writer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <plist/plist.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "godwit-error.h"
#include "godwit-sql-private.h"
#include "godwit-store-writer-private.h"

/* First framework versions seen writing NSStoreModelVersionHashesDigest
 * (977; absent at 866) and NSStoreModelVersionChecksumKey (1345; absent at
 * 1145 and below). */

static const char * const file_suffixes[] = { "", "-wal", "-shm", "-journal" };

typedef enum
{
  STATE_NEW,
  STATE_WRITING,
  STATE_COMMITTED,
  STATE_FAILED,
} WriterState;

/* Inserts objects of one concrete entity. */
typedef struct
{
  guint         number;
  gint64       *last_pk;       /* the hierarchy's Z_PK counter */
  sqlite3_stmt *statement;
  GPtrArray    *attributes;    /* (element-type GodwitProperty) (unowned): one per slot */
  GHashTable   *slots;         /* (element-type utf8 guint): attribute name → slot + 1 */
  GPtrArray    *defaults;      /* (element-type GVariant) (nullable elements): per slot */
} Inserter;

/* Sets one kind of relationship; positions of ordered relationships are
 * remembered for the owner last appended to, so that appending many
 * objects to one owner costs one query. */
typedef struct
{
  sqlite3_stmt *write;           /* UPDATE of a foreign key, or INSERT into a join table */
  sqlite3_stmt *max_order;       /* (nullable) highest position of one owner so far */
  sqlite3_stmt *max_inverse_order;
  gint64        order_owner;
  gint64        order_position;
  gint64        inverse_order_owner;
  gint64        inverse_order_position;
} Relater;

struct _GodwitStoreWriter
{
  GObject            parent_instance;

  GodwitModel       *model;
  GodwitStoreLayout *layout;
  char              *path;
  char              *uuid;
  gboolean           persistent_history;
  gboolean           keep_wal;
  gint64             framework_version;
  plist_t            metadata;      /* (nullable) the dictionary new metadata starts from */
  WriterState        state;
  sqlite3           *db;
  GHashTable        *last_pks;      /* (element-type GodwitEntity gint64): per root entity */
  GHashTable        *inserters;     /* (element-type GodwitEntity Inserter) */
  GHashTable        *relaters;      /* (element-type gpointer Relater): by column or join table */
  GHashTable        *lookups;       /* (element-type GodwitTable sqlite3_stmt): Z_ENT by Z_PK */
};

G_DEFINE_FINAL_TYPE (GodwitStoreWriter, godwit_store_writer, G_TYPE_OBJECT)

static void
inserter_free (gpointer data)
{
  Inserter *inserter = data;

  sqlite3_finalize (inserter->statement);
  g_ptr_array_unref (inserter->attributes);
  g_hash_table_unref (inserter->slots);
  g_ptr_array_unref (inserter->defaults);
  g_free (inserter);
}

static void
relater_free (gpointer data)
{
  Relater *relater = data;

  sqlite3_finalize (relater->write);
  sqlite3_finalize (relater->max_order);
  sqlite3_finalize (relater->max_inverse_order);
  g_free (relater);
}

static void
finalize_statement (gpointer statement)
{
  sqlite3_finalize (statement);
}

/* Statements must be finalized before the database closes. */
static void
drop_statements (GodwitStoreWriter *self)
{
  g_hash_table_remove_all (self->inserters);
  g_hash_table_remove_all (self->relaters);
  g_hash_table_remove_all (self->lookups);
}

static void
remove_files (GodwitStoreWriter *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (file_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (self->path, file_suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        g_warning ("%s: cannot remove a half-written store file: %s", file, g_strerror (errno));
    }
}

/* Drops everything written: a half-written store must not look like one. */
static void
abandon (GodwitStoreWriter *self)
{
  drop_statements (self);
  if (self->db != NULL)
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  if (self->state == STATE_WRITING)
    remove_files (self);
  self->state = STATE_FAILED;
}

static void
godwit_store_writer_dispose (GObject *object)
{
  GodwitStoreWriter *self = (GodwitStoreWriter *) object;

  if (self->state == STATE_WRITING)
    abandon (self);

  G_OBJECT_CLASS (godwit_store_writer_parent_class)->dispose (object);
}

static void
godwit_store_writer_finalize (GObject *object)
{
  GodwitStoreWriter *self = (GodwitStoreWriter *) object;

  g_clear_pointer (&self->inserters, g_hash_table_unref);
  g_clear_pointer (&self->relaters, g_hash_table_unref);
  g_clear_pointer (&self->lookups, g_hash_table_unref);
  g_clear_pointer (&self->last_pks, g_hash_table_unref);
  g_clear_object (&self->layout);
  g_clear_object (&self->model);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->metadata, plist_free);

  G_OBJECT_CLASS (godwit_store_writer_parent_class)->finalize (object);
}

static void
godwit_store_writer_class_init (GodwitStoreWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = godwit_store_writer_dispose;
  object_class->finalize = godwit_store_writer_finalize;
}

static void
godwit_store_writer_init (GodwitStoreWriter *self)
{
  self->framework_version = GODWIT_STORE_WRITER_DEFAULT_FRAMEWORK_VERSION;
  self->last_pks = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->inserters = g_hash_table_new_full (NULL, NULL, NULL, inserter_free);
  self->relaters = g_hash_table_new_full (NULL, NULL, NULL, relater_free);
  self->lookups = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
}

static gboolean
path_is_taken (const char *path)
{
  GStatBuf buf;

  return g_lstat (path, &buf) == 0;
}

/**
 * godwit_store_writer_new:
 * @model: a resolved model
 * @path: where the new store goes; nothing may exist there yet
 *
 * Returns: (transfer full): a writer, or %NULL if @path (or a -wal, -shm
 *   or -journal file beside it) exists or the model cannot be laid out.
 */
GodwitStoreWriter *
godwit_store_writer_new (GodwitModel  *model,
                         const char   *path,
                         GError      **error)
{
  g_autoptr(GodwitStoreWriter) self = NULL;
  g_autofree char *random_uuid = NULL;

  g_return_val_if_fail (GODWIT_IS_MODEL (model), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (file_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, file_suffixes[i], NULL);

      if (path_is_taken (file))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                       _("%s: already exists; the store writer never overwrites a file"), file);
          return NULL;
        }
    }

  self = g_object_new (GODWIT_TYPE_STORE_WRITER, NULL);
  self->model = g_object_ref (model);
  self->path = g_strdup (path);
  random_uuid = g_uuid_string_random ();
  self->uuid = g_ascii_strup (random_uuid, -1);
  self->layout = godwit_store_layout_new (model, FALSE, error);
  if (self->layout == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * godwit_store_writer_set_persistent_history:
 *
 * Whether the store gets the persistent-history tables (empty); call
 * before godwit_store_writer_begin().
 */
void
godwit_store_writer_set_persistent_history (GodwitStoreWriter *self,
                                            gboolean           enabled)
{
  g_return_if_fail (GODWIT_IS_STORE_WRITER (self));
  g_return_if_fail (self->state == STATE_NEW);

  self->persistent_history = !!enabled;
}

/**
 * godwit_store_writer_set_framework_version:
 *
 * The NSPersistenceFrameworkVersion to write, by default
 * %GODWIT_STORE_WRITER_DEFAULT_FRAMEWORK_VERSION. Versions below 977 get no
 * NSStoreModelVersionHashesDigest and below 1345 no
 * NSStoreModelVersionChecksumKey, as real stores of those versions.
 */
void
godwit_store_writer_set_framework_version (GodwitStoreWriter *self,
                                           gint64             version)
{
  g_return_if_fail (GODWIT_IS_STORE_WRITER (self));
  g_return_if_fail (self->state == STATE_NEW);

  self->framework_version = version;
}

/**
 * godwit_store_writer_set_keep_wal:
 *
 * Leaves the committed content in the -wal file instead of checkpointing it
 * on close, like a store whose app is still running: for tests of readers.
 */
void
godwit_store_writer_set_keep_wal (GodwitStoreWriter *self,
                                  gboolean           keep)
{
  g_return_if_fail (GODWIT_IS_STORE_WRITER (self));
  g_return_if_fail (self->state == STATE_NEW);

  self->keep_wal = !!keep;
}

/**
 * godwit_store_writer_set_uuid:
 * @uuid: the Z_UUID to write instead of a random one
 *
 * For a store that replaces another, such as a migrated one: object URIs
 * (x-coredata://UUID/…) stay valid. Call before godwit_store_writer_begin().
 */
void
godwit_store_writer_set_uuid (GodwitStoreWriter *self,
                              const char        *uuid)
{
  g_return_if_fail (GODWIT_IS_STORE_WRITER (self));
  g_return_if_fail (self->state == STATE_NEW);
  g_return_if_fail (uuid != NULL);

  g_free (self->uuid);
  self->uuid = g_strdup (uuid);
}

/**
 * godwit_store_writer_set_metadata:
 * @plist: a binary property list: the Z_PLIST of another store
 *
 * The new store's metadata starts from @plist: every key is kept (unknown
 * keys belong to the app) except the model version keys, which are set for
 * the writer's model. Its NSPersistenceFrameworkVersion, when it has one,
 * replaces godwit_store_writer_set_framework_version()'s. Call before
 * godwit_store_writer_begin().
 *
 * Returns: %FALSE with %GODWIT_ERROR_INVALID_PLIST when @plist is not a
 *   binary property list holding a dictionary
 */
gboolean
godwit_store_writer_set_metadata (GodwitStoreWriter  *self,
                                  GBytes             *plist,
                                  GError            **error)
{
  plist_t metadata = NULL;
  plist_t framework_version;
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (GODWIT_IS_STORE_WRITER (self), FALSE);
  g_return_val_if_fail (self->state == STATE_NEW, FALSE);
  g_return_val_if_fail (plist != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_get_data (plist, &length);
  if (length > 0 && length <= G_MAXUINT32)
    plist_from_bin (data, (uint32_t) length, &metadata);
  if (metadata == NULL || plist_get_node_type (metadata) != PLIST_DICT)
    {
      g_clear_pointer (&metadata, plist_free);
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                   _("%s: the metadata to start from is not a binary property list holding a "
                     "dictionary"), self->path);
      return FALSE;
    }

  framework_version = plist_dict_get_item (metadata, "NSPersistenceFrameworkVersion");
  if (framework_version != NULL && plist_get_node_type (framework_version) == PLIST_UINT)
    {
      uint64_t version = 0;

      plist_get_uint_val (framework_version, &version);
      self->framework_version = (gint64) MIN (version, G_MAXINT64);
    }
  g_clear_pointer (&self->metadata, plist_free);
  self->metadata = metadata;

  return TRUE;
}

/**
 * godwit_store_writer_get_layout:
 *
 * Returns: (transfer none): the layout written; before
 *   godwit_store_writer_begin() it is the one without persistent history.
 */
GodwitStoreLayout *
godwit_store_writer_get_layout (GodwitStoreWriter *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_WRITER (self), NULL);

  return self->layout;
}

/* The Z_UUID of the new store. */
const char *
godwit_store_writer_get_uuid (GodwitStoreWriter *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_WRITER (self), NULL);

  return self->uuid;
}

static gboolean
set_sqlite_error (GodwitStoreWriter  *self,
                  const char         *doing,
                  GError            **error)
{
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s: %s",
               self->path, doing, self->db != NULL ? sqlite3_errmsg (self->db) : _("out of memory"));

  return FALSE;
}

static gboolean
execute (GodwitStoreWriter  *self,
         const char         *sql,
         GError            **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      g_autofree char *doing = g_strdup_printf (_("cannot run “%s”"), sql);

      return set_sqlite_error (self, doing, error);
    }

  return TRUE;
}

static sqlite3_stmt *
prepare (GodwitStoreWriter  *self,
         const char         *sql,
         GError            **error)
{
  sqlite3_stmt *statement = NULL;
  int rc;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *doing = g_strdup_printf (_("cannot prepare “%s”"), sql);

      set_sqlite_error (self, doing, error);
      return NULL;
    }

  return statement;
}

/* Runs a statement whose parameters are bound, then resets it. */
static gboolean
step_done (GodwitStoreWriter  *self,
           sqlite3_stmt       *statement,
           const char         *doing,
           GError            **error)
{
  int rc = sqlite3_step (statement);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (self, doing, error);
      sqlite3_reset (statement);
      /* A failed constraint undoes one statement; anything worse rolls
       * the whole transaction back, and the store with it. */
      if (sqlite3_get_autocommit (self->db))
        abandon (self);
      return FALSE;
    }
  sqlite3_reset (statement);

  return TRUE;
}

/**
 * _godwit_store_metadata_set_version:
 *
 * Sets the model version keys of a store's metadata: the entity version
 * hashes, the version identifiers, and the digest and checksum where the
 * framework version has them (or the metadata had them already). Every
 * other key is left as it is: unknown keys belong to the app.
 */
void
_godwit_store_metadata_set_version (plist_t      metadata,
                                    GodwitModel *model,
                                    gint64       framework_version)
{
  GPtrArray *entities = godwit_model_get_entities (model);
  GPtrArray *identifiers = godwit_model_get_version_identifiers (model);
  plist_t hashes = plist_new_dict ();
  plist_t identifier_array = plist_new_array ();

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);

      plist_dict_set_item (hashes, entity->name,
                           plist_new_data ((const char *) entity->version_hash,
                                           GODWIT_VERSION_HASH_LENGTH));
    }
  for (guint i = 0; i < identifiers->len; i++)
    plist_array_append_item (identifier_array,
                             plist_new_string (g_ptr_array_index (identifiers, i)));

  plist_dict_set_item (metadata, "NSStoreModelVersionHashes", hashes);
  plist_dict_set_item (metadata, "NSStoreModelVersionIdentifiers", identifier_array);
  if (framework_version >= GODWIT_DIGEST_FRAMEWORK_VERSION ||
      plist_dict_get_item (metadata, "NSStoreModelVersionHashesDigest") != NULL)
    {
      g_autofree char *digest = godwit_model_dup_version_hashes_digest (model);

      plist_dict_set_item (metadata, "NSStoreModelVersionHashesDigest", plist_new_string (digest));
    }
  if (framework_version >= GODWIT_CHECKSUM_FRAMEWORK_VERSION ||
      plist_dict_get_item (metadata, "NSStoreModelVersionChecksumKey") != NULL)
    {
      g_autofree char *checksum = godwit_model_dup_version_checksum (model);

      plist_dict_set_item (metadata, "NSStoreModelVersionChecksumKey", plist_new_string (checksum));
    }
}

static plist_t
new_metadata (GodwitStoreWriter *self)
{
  plist_t metadata;

  if (self->metadata != NULL)
    {
      metadata = plist_copy (self->metadata);
      _godwit_store_metadata_set_version (metadata, self->model, self->framework_version);
      return metadata;
    }

  metadata = plist_new_dict ();

  plist_dict_set_item (metadata, "NSPersistenceFrameworkVersion",
                       plist_new_uint ((uint64_t) self->framework_version));
  plist_dict_set_item (metadata, "NSStoreModelVersionHashesVersion", plist_new_uint (3));
  plist_dict_set_item (metadata, "NSStoreType", plist_new_string ("SQLite"));
  plist_dict_set_item (metadata, "_NSAutoVacuumLevel", plist_new_string ("2"));
  _godwit_store_metadata_set_version (metadata, self->model, self->framework_version);

  return metadata;
}

static gboolean
write_metadata (GodwitStoreWriter  *self,
                GError            **error)
{
  static const struct {
    guint       number;
    const char *name;
  } history_entities[] = {
    { GODWIT_STORE_LAYOUT_CHANGE_ENTITY_NUMBER, "CHANGE" },
    { GODWIT_STORE_LAYOUT_TRANSACTION_ENTITY_NUMBER, "TRANSACTION" },
    { GODWIT_STORE_LAYOUT_TRANSACTION_STRING_ENTITY_NUMBER, "TRANSACTIONSTRING" },
  };
  sqlite3_stmt *statement;
  plist_t metadata;
  char *binary = NULL;
  uint32_t length = 0;
  gboolean ok = TRUE;

  statement = prepare (self, "INSERT INTO Z_PRIMARYKEY (Z_ENT, Z_NAME, Z_SUPER, Z_MAX) "
                             "VALUES (?, ?, ?, 0)", error);
  if (statement == NULL)
    return FALSE;

  for (guint number = 1; ok; number++)
    {
      GodwitEntity *entity = godwit_store_layout_get_entity_for_number (self->layout, number);

      if (entity == NULL)
        break;
      sqlite3_bind_int64 (statement, 1, number);
      sqlite3_bind_text (statement, 2, entity->name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (statement, 3,
                          godwit_store_layout_get_entity_number (self->layout, entity->parent));
      ok = step_done (self, statement, _("cannot fill Z_PRIMARYKEY"), error);
    }

  for (guint i = 0; ok && self->persistent_history && i < G_N_ELEMENTS (history_entities); i++)
    {
      sqlite3_bind_int64 (statement, 1, history_entities[i].number);
      sqlite3_bind_text (statement, 2, history_entities[i].name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (statement, 3, 0);
      ok = step_done (self, statement, _("cannot fill Z_PRIMARYKEY"), error);
    }
  sqlite3_finalize (statement);
  if (!ok)
    return FALSE;

  metadata = new_metadata (self);
  plist_to_bin (metadata, &binary, &length);
  plist_free (metadata);
  if (binary == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                   _("%s: cannot encode the store metadata as a binary property list"), self->path);
      return FALSE;
    }

  statement = prepare (self, "INSERT INTO Z_METADATA (Z_VERSION, Z_UUID, Z_PLIST) VALUES (1, ?, ?)",
                       error);
  if (statement != NULL)
    {
      sqlite3_bind_text (statement, 1, self->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_blob (statement, 2, binary, (int) length, SQLITE_STATIC);
      ok = step_done (self, statement, _("cannot fill Z_METADATA"), error);
      sqlite3_finalize (statement);
    }
  plist_to_bin_free (binary);

  return statement != NULL && ok;
}

static gboolean
create_store (GodwitStoreWriter  *self,
              GError            **error)
{
  g_auto(GStrv) schema = NULL;
  int fd;

  /* O_EXCL: whatever appeared at the path since godwit_store_writer_new()
   * stays untouched. */
  fd = g_open (self->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: cannot create the store: %s"),
                   self->path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  self->state = STATE_WRITING;

  if (_godwit_sql_open (self->path, SQLITE_OPEN_READWRITE, NULL, &self->db) != SQLITE_OK)
    return set_sqlite_error (self, _("cannot open the new store"), error);
  sqlite3_extended_result_codes (self->db, TRUE);

  if (!execute (self, "PRAGMA auto_vacuum = INCREMENTAL", error) ||
      !execute (self, "PRAGMA journal_mode = WAL", error) ||
      !execute (self, "BEGIN", error))
    return FALSE;

  schema = godwit_store_layout_dup_schema_sql (self->layout);
  for (guint i = 0; schema[i] != NULL; i++)
    if (!execute (self, schema[i], error))
      return FALSE;

  return write_metadata (self, error);
}

/**
 * godwit_store_writer_begin:
 *
 * Creates the store file with its schema, Z_PRIMARYKEY rows and
 * Z_METADATA, and opens the transaction the objects go into.
 */
gboolean
godwit_store_writer_begin (GodwitStoreWriter  *self,
                           GError            **error)
{
  g_return_val_if_fail (GODWIT_IS_STORE_WRITER (self), FALSE);
  g_return_val_if_fail (self->state == STATE_NEW, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (godwit_store_layout_get_persistent_history (self->layout) != self->persistent_history)
    {
      GodwitStoreLayout *layout = godwit_store_layout_new (self->model, self->persistent_history,
                                                           error);

      if (layout == NULL)
        return FALSE;
      g_set_object (&self->layout, layout);
      g_object_unref (layout);
    }

  if (!create_store (self, error))
    {
      abandon (self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_writing (GodwitStoreWriter  *self,
               GError            **error)
{
  if (self->state != STATE_WRITING)
    {
      if (self->state == STATE_FAILED)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                     _("%s: the store is not open for writing (an earlier error removed it)"), self->path);
      else
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: the store is not open for writing"), self->path);
      return FALSE;
    }

  return TRUE;
}

static GodwitEntity *
lookup_entity (GodwitStoreWriter  *self,
               const char         *name,
               GError            **error)
{
  GodwitEntity *entity = godwit_model_get_entity (self->model, name);

  if (entity == NULL)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY,
                 _("%s: the model has no entity “%s”"), self->path, name);

  return entity;
}

/**
 * _godwit_attribute_dup_default_value:
 *
 * Returns: (transfer full) (nullable): the default value as the model
 *   states it (Xcode's defaultValueString), typed as the writer stores it,
 *   or %NULL when the attribute has none that can be stored.
 */
GVariant *
_godwit_attribute_dup_default_value (GodwitProperty *attribute)
{
  const char *text = attribute->default_value;
  gint64 integer;
  double number;
  char *end;

  if (text == NULL)
    return NULL;

  switch (attribute->attribute_type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
      if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &integer, NULL))
        return NULL;
      return g_variant_ref_sink (g_variant_new_int64 (integer));
    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      if (g_ascii_strcasecmp (text, "YES") == 0 || g_ascii_strcasecmp (text, "true") == 0 ||
          strcmp (text, "1") == 0)
        return g_variant_ref_sink (g_variant_new_boolean (TRUE));
      if (g_ascii_strcasecmp (text, "NO") == 0 || g_ascii_strcasecmp (text, "false") == 0 ||
          strcmp (text, "0") == 0)
        return g_variant_ref_sink (g_variant_new_boolean (FALSE));
      return NULL;
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
    case GODWIT_ATTRIBUTE_TYPE_DATE:
      number = g_ascii_strtod (text, &end);
      if (end == text || *end != '\0')
        return NULL;
      return g_variant_ref_sink (g_variant_new_double (number));
    case GODWIT_ATTRIBUTE_TYPE_STRING:
    case GODWIT_ATTRIBUTE_TYPE_URI:
    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
      return g_variant_ref_sink (g_variant_new_string (text));
    case GODWIT_ATTRIBUTE_TYPE_UNDEFINED:
    case GODWIT_ATTRIBUTE_TYPE_BINARY:
    case GODWIT_ATTRIBUTE_TYPE_UUID:
    case GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE:
    case GODWIT_ATTRIBUTE_TYPE_OBJECT_ID:
    case GODWIT_ATTRIBUTE_TYPE_COMPOSITE:
    default:
      return NULL;
    }
}

/**
 * _godwit_attribute_dup_default_literal:
 *
 * Returns: (transfer full) (nullable): the default value as an SQL literal,
 *   for migrations that fill it in with SQL.
 */
char *
_godwit_attribute_dup_default_literal (GodwitProperty *attribute)
{
  g_autoptr(GVariant) value = _godwit_attribute_dup_default_value (attribute);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == NULL)
    return NULL;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? "1" : "0");

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    {
      double number = g_variant_get_double (value);

      if (!isfinite (number))
        return NULL;
      return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, number));
    }

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      char *quoted = sqlite3_mprintf ("%Q", g_variant_get_string (value, NULL));
      char *literal = g_strdup (quoted);

      sqlite3_free (quoted);
      return literal;
    }

  return NULL;
}

static const char *
expected_value_types (GodwitAttributeType type)
{
  switch (type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      return _("“x” or “b”");
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
      return "“d”";
    case GODWIT_ATTRIBUTE_TYPE_DATE:
      return _("“d” (seconds since 2001-01-01)");
    case GODWIT_ATTRIBUTE_TYPE_STRING:
    case GODWIT_ATTRIBUTE_TYPE_URI:
      return "“s”";
    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
      return _("“s” holding a decimal number");
    case GODWIT_ATTRIBUTE_TYPE_BINARY:
    case GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE:
      return "“ay”";
    case GODWIT_ATTRIBUTE_TYPE_UUID:
      return _("“ay” of 16 bytes");
    case GODWIT_ATTRIBUTE_TYPE_UNDEFINED:
    case GODWIT_ATTRIBUTE_TYPE_OBJECT_ID:
    case GODWIT_ATTRIBUTE_TYPE_COMPOSITE:
    default:
      return _("nothing: the store has no column for it");
    }
}

static gboolean
integer_value (GodwitAttributeType  type,
               GVariant            *value,
               gint64              *out)
{
  gint64 integer;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    integer = g_variant_get_int64 (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    integer = g_variant_get_boolean (value);
  else
    return FALSE;

  switch (type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
      if (integer < G_MININT16 || integer > G_MAXINT16)
        return FALSE;
      break;
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
      if (integer < G_MININT32 || integer > G_MAXINT32)
        return FALSE;
      break;
    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      integer = integer != 0;
      break;
    default:
      break;
    }

  *out = integer;

  return TRUE;
}

/* Binds @value as Core Data stores the attribute's type. The value must
 * outlive the statement's next step (SQLITE_STATIC). */
static gboolean
bind_value (sqlite3_stmt   *statement,
            int             parameter,
            GodwitProperty *attribute,
            GVariant       *value)
{
  const void *bytes;
  gsize length;
  gint64 integer;
  double number;
  char *end;

  if (value == NULL)
    return sqlite3_bind_null (statement, parameter) == SQLITE_OK;

  switch (attribute->attribute_type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      if (!integer_value (attribute->attribute_type, value, &integer))
        return FALSE;
      return sqlite3_bind_int64 (statement, parameter, integer) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
    case GODWIT_ATTRIBUTE_TYPE_DATE:
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
        return FALSE;
      return sqlite3_bind_double (statement, parameter, g_variant_get_double (value)) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        return FALSE;
      number = g_ascii_strtod (g_variant_get_string (value, NULL), &end);
      if (end == g_variant_get_string (value, NULL) || *end != '\0' || !isfinite (number))
        return FALSE;
      return sqlite3_bind_text (statement, parameter, g_variant_get_string (value, NULL), -1,
                                SQLITE_STATIC) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_STRING:
    case GODWIT_ATTRIBUTE_TYPE_URI:
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        return FALSE;
      return sqlite3_bind_text (statement, parameter, g_variant_get_string (value, NULL), -1,
                                SQLITE_STATIC) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_BINARY:
    case GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE:
    case GODWIT_ATTRIBUTE_TYPE_UUID:
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
        return FALSE;
      bytes = g_variant_get_fixed_array (value, &length, 1);
      if (attribute->attribute_type == GODWIT_ATTRIBUTE_TYPE_UUID && length != 16)
        return FALSE;
      if (length > G_MAXINT)
        return FALSE;
      /* An empty value is an empty blob, not NULL. */
      if (length == 0)
        return sqlite3_bind_zeroblob (statement, parameter, 0) == SQLITE_OK;
      return sqlite3_bind_blob (statement, parameter, bytes, (int) length,
                                SQLITE_STATIC) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_UNDEFINED:
    case GODWIT_ATTRIBUTE_TYPE_OBJECT_ID:
    case GODWIT_ATTRIBUTE_TYPE_COMPOSITE:
    default:
      return FALSE;
    }
}

static void
unref_default_value (gpointer value)
{
  if (value != NULL)
    g_variant_unref (value);
}

static Inserter *
get_inserter (GodwitStoreWriter  *self,
              GodwitEntity       *entity,
              GError            **error)
{
  Inserter *inserter = g_hash_table_lookup (self->inserters, entity);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GString) sql = NULL;
  g_autoptr(GString) parameters = NULL;
  const GodwitTable *table;
  GodwitEntity *root;
  gint64 *last_pk;

  if (inserter != NULL)
    return inserter;

  root = godwit_entity_get_root (entity);
  last_pk = g_hash_table_lookup (self->last_pks, root);
  if (last_pk == NULL)
    {
      last_pk = g_new0 (gint64, 1);
      g_hash_table_insert (self->last_pks, root, last_pk);
    }

  table = godwit_store_layout_get_table (self->layout, entity);
  sql = g_string_new (NULL);
  parameters = g_string_new (NULL);
  g_string_append_printf (sql, "INSERT INTO %s (Z_PK, Z_ENT, Z_OPT", table->name);

  inserter = g_new0 (Inserter, 1);
  inserter->number = godwit_store_layout_get_entity_number (self->layout, entity);
  inserter->last_pk = last_pk;
  inserter->attributes = g_ptr_array_new ();
  inserter->slots = g_hash_table_new (g_str_hash, g_str_equal);
  inserter->defaults = g_ptr_array_new_with_free_func (unref_default_value);

  all = godwit_entity_dup_all_properties (entity);
  for (guint i = 0; i < all->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (all, i);
      const GodwitColumn *column;

      if (property->kind != GODWIT_PROPERTY_KIND_ATTRIBUTE)
        continue;
      column = godwit_store_layout_find_column (self->layout, entity, property->name,
                                                GODWIT_COLUMN_ROLE_ATTRIBUTE);
      if (column == NULL)
        continue;

      g_ptr_array_add (inserter->attributes, property);
      g_ptr_array_add (inserter->defaults, _godwit_attribute_dup_default_value (property));
      g_hash_table_insert (inserter->slots, property->name,
                           GUINT_TO_POINTER (inserter->attributes->len));
      g_string_append_printf (sql, ", %s", column->name);
      g_string_append (parameters, ", ?");
    }
  g_string_append_printf (sql, ") VALUES (?, ?, 1%s)", parameters->str);

  inserter->statement = prepare (self, sql->str, error);
  if (inserter->statement == NULL)
    {
      inserter_free (inserter);
      return NULL;
    }
  g_hash_table_insert (self->inserters, entity, inserter);

  return inserter;
}

/**
 * godwit_store_writer_insert:
 * @entity_name: a concrete entity of the model
 * @attribute_names: (array length=n_values): attributes to set
 * @values: (array length=n_values): their values; a %NULL element stores
 *   NULL; floating references are consumed
 *
 * Inserts an object. Attributes left out take the model's default value
 * (when it has one the writer can parse) or NULL. Values by attribute
 * type: integers and booleans "x" or "b" (booleans stored 0/1), doubles,
 * floats and dates "d" (dates in seconds since 2001-01-01), strings and
 * URIs "s", decimals "s" holding a number, binary and transformable data
 * "ay", UUIDs "ay" of 16 bytes.
 *
 * Returns: the object's Z_PK (> 0), or 0 with @error set
 */
gint64
godwit_store_writer_insert (GodwitStoreWriter   *self,
                            const char          *entity_name,
                            const char * const  *attribute_names,
                            GVariant * const    *values,
                            guint                n_values,
                            GError             **error)
{
  g_autoptr(GPtrArray) sunk = NULL;
  g_autofree char *doing = NULL;
  GodwitEntity *entity;
  Inserter *inserter;
  gint64 pk;

  g_return_val_if_fail (GODWIT_IS_STORE_WRITER (self), 0);
  g_return_val_if_fail (entity_name != NULL, 0);
  g_return_val_if_fail (n_values == 0 || (attribute_names != NULL && values != NULL), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  sunk = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  for (guint i = 0; i < n_values; i++)
    if (values[i] != NULL)
      g_ptr_array_add (sunk, g_variant_ref_sink (values[i]));

  if (!check_writing (self, error))
    return 0;

  entity = lookup_entity (self, entity_name, error);
  if (entity == NULL)
    return 0;
  if (entity->abstract)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: entity %s is abstract and cannot have objects"), self->path, entity_name);
      return 0;
    }

  inserter = get_inserter (self, entity, error);
  if (inserter == NULL)
    return 0;

  if (*inserter->last_pk >= G_MAXINT64)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: no Z_PK left for another %s object"), self->path, entity_name);
      return 0;
    }
  pk = *inserter->last_pk + 1;

  sqlite3_clear_bindings (inserter->statement);
  sqlite3_bind_int64 (inserter->statement, 1, pk);
  sqlite3_bind_int64 (inserter->statement, 2, inserter->number);
  for (guint i = 0; i < inserter->attributes->len; i++)
    if (g_ptr_array_index (inserter->defaults, i) != NULL)
      bind_value (inserter->statement, (int) i + 3, g_ptr_array_index (inserter->attributes, i),
                  g_ptr_array_index (inserter->defaults, i));

  for (guint i = 0; i < n_values; i++)
    {
      guint slot;
      GodwitProperty *attribute;

      g_return_val_if_fail (attribute_names[i] != NULL, 0);

      slot = GPOINTER_TO_UINT (g_hash_table_lookup (inserter->slots, attribute_names[i]));
      if (slot == 0)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: %s has no stored attribute “%s”"),
                       self->path, entity_name, attribute_names[i]);
          return 0;
        }

      attribute = g_ptr_array_index (inserter->attributes, slot - 1);
      if (!bind_value (inserter->statement, (int) slot + 2, attribute, values[i]))
        {
          g_autofree char *printed = g_variant_print (values[i], FALSE);

          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: wrong value %s of type “%s” for %s.%s: a %s attribute takes %s"),
                       self->path, printed, g_variant_get_type_string (values[i]),
                       entity_name, attribute_names[i],
                       godwit_attribute_type_to_string (attribute->attribute_type),
                       expected_value_types (attribute->attribute_type));
          return 0;
        }
    }

  doing = g_strdup_printf (_("cannot insert a %s object"), entity_name);
  if (!step_done (self, inserter->statement, doing, error))
    return 0;
  *inserter->last_pk = pk;

  return pk;
}

/* Checks that object @pk exists as an object of exactly @entity. */
static gboolean
check_object (GodwitStoreWriter  *self,
              GodwitEntity       *entity,
              gint64              pk,
              GError            **error)
{
  const GodwitTable *table = godwit_store_layout_get_table (self->layout, entity);
  sqlite3_stmt *statement = g_hash_table_lookup (self->lookups, table);
  gboolean found;
  guint number;

  if (statement == NULL)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT Z_ENT FROM %s WHERE Z_PK = ?", table->name);

      statement = prepare (self, sql, error);
      if (statement == NULL)
        return FALSE;
      g_hash_table_insert (self->lookups, (gpointer) table, statement);
    }

  sqlite3_bind_int64 (statement, 1, pk);
  number = godwit_store_layout_get_entity_number (self->layout, entity);
  found = sqlite3_step (statement) == SQLITE_ROW && sqlite3_column_int64 (statement, 0) == number;
  sqlite3_reset (statement);

  if (!found)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                 _("%s: there is no %s object with Z_PK %" PRId64),
                 self->path, entity->name, pk);

  return found;
}

static Relater *
new_relater (GodwitStoreWriter  *self,
             gpointer            key,
             const char         *write_sql,
             const char         *max_order_sql,
             const char         *max_inverse_order_sql,
             GError            **error)
{
  Relater *relater = g_new0 (Relater, 1);

  relater->write = prepare (self, write_sql, error);
  if (relater->write != NULL && max_order_sql != NULL)
    relater->max_order = prepare (self, max_order_sql, error);
  if (relater->write != NULL && max_inverse_order_sql != NULL &&
      (max_order_sql == NULL || relater->max_order != NULL))
    relater->max_inverse_order = prepare (self, max_inverse_order_sql, error);

  if (relater->write == NULL || (max_order_sql != NULL && relater->max_order == NULL) ||
      (max_inverse_order_sql != NULL && relater->max_inverse_order == NULL))
    {
      relater_free (relater);
      return NULL;
    }
  g_hash_table_insert (self->relaters, key, relater);

  return relater;
}

/* The next position (1, 2, …) in the ordered relationship of @owner. */
static gboolean
next_position (GodwitStoreWriter  *self,
               sqlite3_stmt       *max_order,
               gint64             *memo_owner,
               gint64             *memo_position,
               gint64              owner,
               gint64             *position,
               GError            **error)
{
  if (*memo_owner != owner)
    {
      sqlite3_bind_int64 (max_order, 1, owner);
      if (sqlite3_step (max_order) != SQLITE_ROW)
        {
          set_sqlite_error (self, _("cannot find the last position of an ordered relationship"),
                            error);
          sqlite3_reset (max_order);
          return FALSE;
        }
      *memo_position = sqlite3_column_int64 (max_order, 0);
      *memo_owner = owner;
      sqlite3_reset (max_order);
    }

  *position = ++*memo_position;

  return TRUE;
}

/* Points the to-one relationship @name of object @pk at @target_pk, with
 * the target's Z_ENT and its position in the target's ordered inverse when
 * the layout has columns for them. */
static gboolean
relate_to_one (GodwitStoreWriter  *self,
               GodwitEntity       *entity,
               gint64              pk,
               const char         *name,
               GodwitEntity       *target,
               gint64              target_pk,
               GError            **error)
{
  const GodwitColumn *column = godwit_store_layout_find_column (self->layout, entity, name,
                                                                GODWIT_COLUMN_ROLE_TO_ONE);
  const GodwitColumn *entity_column;
  const GodwitColumn *order_column;
  Relater *relater;

  g_assert (column != NULL);
  entity_column = godwit_store_layout_find_column (self->layout, entity, name,
                                                   GODWIT_COLUMN_ROLE_TO_ONE_ENTITY);
  order_column = godwit_store_layout_find_column (self->layout, entity, name,
                                                  GODWIT_COLUMN_ROLE_ORDER);

  relater = g_hash_table_lookup (self->relaters, column);
  if (relater == NULL)
    {
      const char *table = godwit_store_layout_get_table (self->layout, entity)->name;
      g_autoptr(GString) sql = g_string_new (NULL);
      g_autofree char *max_order = NULL;

      g_string_append_printf (sql, "UPDATE %s SET %s = ?1", table, column->name);
      if (entity_column != NULL)
        g_string_append_printf (sql, ", %s = ?2", entity_column->name);
      if (order_column != NULL)
        {
          g_string_append_printf (sql, ", %s = ?3", order_column->name);
          max_order = g_strdup_printf ("SELECT MAX(%s) FROM %s WHERE %s = ?",
                                       order_column->name, table, column->name);
        }
      g_string_append (sql, " WHERE Z_PK = ?4");

      relater = new_relater (self, (gpointer) column, sql->str, max_order, NULL, error);
      if (relater == NULL)
        return FALSE;
    }

  sqlite3_bind_int64 (relater->write, 1, target_pk);
  if (entity_column != NULL)
    sqlite3_bind_int64 (relater->write, 2,
                        godwit_store_layout_get_entity_number (self->layout, target));
  if (order_column != NULL)
    {
      gint64 position;

      if (!next_position (self, relater->max_order, &relater->order_owner, &relater->order_position,
                          target_pk, &position, error))
        return FALSE;
      sqlite3_bind_int64 (relater->write, 3, position);
    }
  sqlite3_bind_int64 (relater->write, 4, pk);

  return step_done (self, relater->write, _("cannot set a to-one relationship"), error);
}

/* A to-many relationship without inverse: the destination's row names its
 * owner. */
static gboolean
relate_owned (GodwitStoreWriter  *self,
              GodwitEntity       *entity,
              gint64              pk,
              GodwitProperty     *relationship,
              GodwitEntity       *destination,
              gint64              destination_pk,
              GError            **error)
{
  const GodwitColumn *column;
  const GodwitColumn *order_column;
  Relater *relater;

  column = godwit_store_layout_find_column (self->layout, entity, relationship->name,
                                            GODWIT_COLUMN_ROLE_TO_MANY_OWNER);
  order_column = godwit_store_layout_find_column (self->layout, entity, relationship->name,
                                                  GODWIT_COLUMN_ROLE_ORDER);
  g_assert (column != NULL);

  relater = g_hash_table_lookup (self->relaters, column);
  if (relater == NULL)
    {
      const char *table = godwit_store_layout_get_table (self->layout, destination)->name;
      g_autoptr(GString) sql = g_string_new (NULL);
      g_autofree char *max_order = NULL;

      g_string_append_printf (sql, "UPDATE %s SET %s = ?1", table, column->name);
      if (order_column != NULL)
        {
          g_string_append_printf (sql, ", %s = ?2", order_column->name);
          max_order = g_strdup_printf ("SELECT MAX(%s) FROM %s WHERE %s = ?",
                                       order_column->name, table, column->name);
        }
      g_string_append (sql, " WHERE Z_PK = ?3");

      relater = new_relater (self, (gpointer) column, sql->str, max_order, NULL, error);
      if (relater == NULL)
        return FALSE;
    }

  sqlite3_bind_int64 (relater->write, 1, pk);
  if (order_column != NULL)
    {
      gint64 position;

      if (!next_position (self, relater->max_order, &relater->order_owner, &relater->order_position,
                          pk, &position, error))
        return FALSE;
      sqlite3_bind_int64 (relater->write, 2, position);
    }
  sqlite3_bind_int64 (relater->write, 3, destination_pk);

  return step_done (self, relater->write, _("cannot set a to-many relationship"), error);
}

static gboolean
relate_many_to_many (GodwitStoreWriter  *self,
                     GodwitEntity       *entity,
                     gint64              pk,
                     GodwitProperty     *relationship,
                     gint64              destination_pk,
                     GError            **error)
{
  const GodwitJoinTable *join = godwit_store_layout_find_join_table (self->layout, entity,
                                                                     relationship->name);
  gboolean naming_side;
  gint64 owner_pk, member_pk;
  Relater *relater;

  g_assert (join != NULL);
  naming_side = godwit_entity_is_kind_of (entity, join->entity) &&
                strcmp (relationship->name, join->relationship->name) == 0;
  owner_pk = naming_side ? pk : destination_pk;
  member_pk = naming_side ? destination_pk : pk;

  relater = g_hash_table_lookup (self->relaters, (gpointer) join);
  if (relater == NULL)
    {
      g_autoptr(GString) sql = g_string_new (NULL);
      g_autofree char *max_order = NULL;
      g_autofree char *max_inverse_order = NULL;

      g_string_append_printf (sql, "INSERT INTO %s (%s, %s", join->name, join->column,
                              join->inverse_column);
      if (join->order_column != NULL)
        {
          g_string_append_printf (sql, ", %s", join->order_column);
          max_order = g_strdup_printf ("SELECT MAX(%s) FROM %s WHERE %s = ?",
                                       join->order_column, join->name, join->column);
        }
      if (join->inverse_order_column != NULL)
        {
          g_string_append_printf (sql, ", %s", join->inverse_order_column);
          max_inverse_order = g_strdup_printf ("SELECT MAX(%s) FROM %s WHERE %s = ?",
                                               join->inverse_order_column,
                                               join->name, join->inverse_column);
        }
      g_string_append_printf (sql, ") VALUES (?1, ?2%s%s)",
                              join->order_column != NULL ? ", ?3" : "",
                              join->inverse_order_column != NULL ? ", ?4" : "");

      relater = new_relater (self, (gpointer) join, sql->str, max_order, max_inverse_order, error);
      if (relater == NULL)
        return FALSE;
    }

  sqlite3_bind_int64 (relater->write, 1, owner_pk);
  sqlite3_bind_int64 (relater->write, 2, member_pk);
  if (join->order_column != NULL)
    {
      gint64 position;

      if (!next_position (self, relater->max_order, &relater->order_owner, &relater->order_position,
                          owner_pk, &position, error))
        return FALSE;
      sqlite3_bind_int64 (relater->write, 3, position);
    }
  if (join->inverse_order_column != NULL)
    {
      gint64 position;

      if (!next_position (self, relater->max_inverse_order, &relater->inverse_order_owner,
                          &relater->inverse_order_position, member_pk, &position, error))
        return FALSE;
      sqlite3_bind_int64 (relater->write, 4, position);
    }

  return step_done (self, relater->write, _("cannot add to a many-to-many relationship"), error);
}

/**
 * godwit_store_writer_relate:
 * @entity_name: the concrete entity of object @pk
 * @relationship_name: a relationship of that entity, own or inherited
 * @destination_entity_name: the concrete entity of object @destination_pk
 *
 * Relates two inserted objects, writing both directions as Core Data
 * stores them: a to-one sets the foreign key (and the Z<n>_ entity column,
 * and for a one-to-one the other side's key too); a to-many sets the
 * destination's foreign key when the inverse is to-one, adds a join-table
 * row for a many-to-many, or names the owner in the destination's row when
 * there is no inverse. An ordered relationship appends, taking the next
 * Z_FOK_ position (1, 2, …).
 */
gboolean
godwit_store_writer_relate (GodwitStoreWriter  *self,
                            const char         *entity_name,
                            gint64              pk,
                            const char         *relationship_name,
                            const char         *destination_entity_name,
                            gint64              destination_pk,
                            GError            **error)
{
  GodwitEntity *entity;
  GodwitEntity *destination;
  GodwitEntity *declared_destination;
  GodwitProperty *relationship;
  GodwitProperty *inverse = NULL;

  g_return_val_if_fail (GODWIT_IS_STORE_WRITER (self), FALSE);
  g_return_val_if_fail (entity_name != NULL, FALSE);
  g_return_val_if_fail (relationship_name != NULL, FALSE);
  g_return_val_if_fail (destination_entity_name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writing (self, error))
    return FALSE;

  entity = lookup_entity (self, entity_name, error);
  if (entity == NULL)
    return FALSE;

  relationship = godwit_entity_find_property (entity, relationship_name);
  if (relationship == NULL || relationship->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP ||
      !godwit_property_is_stored (relationship))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: %s has no stored relationship “%s”"),
                   self->path, entity_name, relationship_name);
      return FALSE;
    }

  destination = lookup_entity (self, destination_entity_name, error);
  if (destination == NULL)
    return FALSE;

  declared_destination = godwit_model_get_entity (self->model, relationship->destination_entity);
  if (declared_destination == NULL || !godwit_entity_is_kind_of (destination, declared_destination))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: %s is not a kind of %s, the destination of %s.%s"), self->path,
                   destination_entity_name, relationship->destination_entity,
                   entity_name, relationship_name);
      return FALSE;
    }

  if (!check_object (self, entity, pk, error) ||
      !check_object (self, destination, destination_pk, error))
    return FALSE;

  if (relationship->inverse_name != NULL)
    inverse = godwit_entity_find_property (destination, relationship->inverse_name);
  if (inverse != NULL && !godwit_property_is_stored (inverse))
    inverse = NULL;

  if (!relationship->to_many)
    return relate_to_one (self, entity, pk, relationship->name,
                          destination, destination_pk, error) &&
           (inverse == NULL || inverse->to_many ||
            relate_to_one (self, destination, destination_pk, inverse->name, entity, pk, error));

  if (inverse == NULL)
    return relate_owned (self, entity, pk, relationship, destination, destination_pk, error);
  if (!inverse->to_many)
    return relate_to_one (self, destination, destination_pk, inverse->name, entity, pk, error);

  return relate_many_to_many (self, entity, pk, relationship, destination_pk, error);
}

/**
 * godwit_store_writer_commit:
 *
 * Records each hierarchy's last Z_PK in Z_PRIMARYKEY.Z_MAX, commits and
 * closes the store. On failure the half-written store is removed.
 */
gboolean
godwit_store_writer_commit (GodwitStoreWriter  *self,
                            GError            **error)
{
  GHashTableIter iter;
  gpointer key, value;
  sqlite3_stmt *statement;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (GODWIT_IS_STORE_WRITER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writing (self, error))
    return FALSE;

  statement = prepare (self, "UPDATE Z_PRIMARYKEY SET Z_MAX = ? WHERE Z_ENT = ?", error);
  if (statement == NULL)
    {
      abandon (self);
      return FALSE;
    }
  g_hash_table_iter_init (&iter, self->last_pks);
  while (ok && g_hash_table_iter_next (&iter, &key, &value))
    {
      sqlite3_bind_int64 (statement, 1, *(gint64 *) value);
      sqlite3_bind_int64 (statement, 2, godwit_store_layout_get_entity_number (self->layout, key));
      ok = step_done (self, statement, _("cannot record Z_MAX in Z_PRIMARYKEY"), error);
    }
  sqlite3_finalize (statement);

  drop_statements (self);
  if (!ok || !execute (self, "COMMIT", error))
    {
      abandon (self);
      return FALSE;
    }

  if (self->keep_wal)
    sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);

  rc = sqlite3_close (self->db);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, _("cannot close the store"), error);
      abandon (self);
      return FALSE;
    }
  self->db = NULL;
  self->state = STATE_COMMITTED;

  return TRUE;
}
