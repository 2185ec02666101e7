/* godwit-sync-sidecar.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a sync keeps beside a store, never in it (the Core Data schema is
 * the app's): the SQLite database Store.sqlite.godwit-sync. It maps each
 * document id to its object (root entity and Z_PK), keeps every
 * document's revision tree with the bodies of its recent revisions, the
 * digest of the body the store holds (how changes by any writer are
 * found), a local sequence number per change (the source side of a push),
 * relationship targets that have not arrived yet, the objects whose
 * relationships the sync changed through other objects (effects), and
 * checkpoints.
 *
 * The sidecar and the store are attached to one connection, so that one
 * transaction covers an object written into the store and its record. Its
 * exclusive locking mode keeps a second sync of the same store out while
 * this one runs.
 *
 * SQLite commits a transaction over attached databases in WAL mode one
 * database after the other, not atomically: a process killed in between,
 * or a failed write, can leave one committed and the other not. The
 * sidecar, attached first and always in WAL mode, commits first, and
 * with its records a journal of the objects the transaction wrote into
 * the store; once the store committed too, the journal is emptied. A
 * journal found at the next opening means that the store's part may be
 * missing: godwit-sync-store.c checks each object and writes again what
 * is missing. The opposite case, the store committed and the sidecar not,
 * cannot happen in this order.
 */

#define G_LOG_DOMAIN "godwit-sync-sidecar"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-json-private.h"
#include "godwit-sql-private.h"
#include "godwit-sync-document-private.h"
#include "godwit-sync-sidecar-private.h"

#define FORMAT_VERSION "1"
/* Generations of a document's history kept: CouchDB keeps 1000, PouchDB
 * 1000; enough to find a common ancestor after long offline work. */
#define REVISIONS_KEPT 100
/* Generations below the newest whose bodies are kept as merge bases. */
#define BODIES_KEPT 8
/* Waiting for the app's own transactions to end. */
#define BUSY_TIMEOUT_MS 10000
#define MAX_CHECKPOINT_SIZE (1024 * 1024)

static const char * const schema[] = {
  "CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, entity TEXT NOT NULL, "
  "root TEXT NOT NULL, pk INTEGER, rev TEXT, digest TEXT, seq INTEGER NOT NULL)",
  "CREATE UNIQUE INDEX IF NOT EXISTS documents_object ON documents (root, pk)",
  "CREATE INDEX IF NOT EXISTS documents_seq ON documents (seq)",
  "CREATE TABLE IF NOT EXISTS revisions (id TEXT NOT NULL, rev TEXT NOT NULL, "
  "generation INTEGER NOT NULL, parent TEXT, deleted INTEGER NOT NULL, leaf INTEGER NOT NULL, "
  "body TEXT, PRIMARY KEY (id, rev))",
  /* Partial: only the search for conflicts can use it, never a lookup by id. */
  "CREATE INDEX IF NOT EXISTS undeleted_leaves ON revisions (id) WHERE leaf = 1 AND deleted = 0",
  "CREATE TABLE IF NOT EXISTS pending (id TEXT NOT NULL, relationship TEXT NOT NULL, "
  "position INTEGER NOT NULL, target TEXT NOT NULL, PRIMARY KEY (id, relationship, position))",
  "CREATE INDEX IF NOT EXISTS pending_target ON pending (target)",
  "CREATE TABLE IF NOT EXISTS checkpoints (replication_id TEXT PRIMARY KEY, document TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS effects (id TEXT PRIMARY KEY)",
  "CREATE TABLE IF NOT EXISTS journal (position INTEGER PRIMARY KEY, kind INTEGER NOT NULL, id TEXT NOT NULL, "
  "rev TEXT, relationship TEXT, cause TEXT, pk INTEGER NOT NULL, z_opt INTEGER NOT NULL)",
};

struct _GodwitSyncSidecar
{
  GObject       parent_instance;

  char         *store_path;
  char         *path;
  char         *instance_id;
  GodwitSqlRun  run;
  GHashTable   *statements;   /* (element-type utf8 sqlite3_stmt) */
  gint64        last_seq;
  int           has_pending;  /* whether the pending table has rows: -1 not known yet */
  gboolean      journaled;    /* whether the journal may have rows */
  gboolean      in_doubt;     /* a commit with a journal failed: the store's part is in doubt */
};

G_DEFINE_FINAL_TYPE (GodwitSyncSidecar, godwit_sync_sidecar, G_TYPE_OBJECT)

static void
finalize_statement (gpointer statement)
{
  sqlite3_finalize (statement);
}

static void
godwit_sync_sidecar_finalize (GObject *object)
{
  GodwitSyncSidecar *self = (GodwitSyncSidecar *) object;

  /* Statements must be finalized before the connection closes. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->run.db != NULL)
    {
      if (!sqlite3_get_autocommit (self->run.db))
        sqlite3_exec (self->run.db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close (self->run.db);
    }
  g_clear_pointer (&self->store_path, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->instance_id, g_free);

  G_OBJECT_CLASS (godwit_sync_sidecar_parent_class)->finalize (object);
}

static void
godwit_sync_sidecar_class_init (GodwitSyncSidecarClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_sync_sidecar_finalize;
}

static void
godwit_sync_sidecar_init (GodwitSyncSidecar *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->run.code = GODWIT_ERROR_IO;
  self->has_pending = -1;
}

/**
 * _godwit_sync_sidecar_dup_path:
 *
 * Returns: (transfer full): where the sidecar of the store at @store_path is
 */
char *
_godwit_sync_sidecar_dup_path (const char *store_path)
{
  return g_strconcat (store_path, GODWIT_SYNC_SIDECAR_SUFFIX, NULL);
}

gboolean
_godwit_sync_sidecar_fail (GodwitSyncSidecar  *self,
                           const char         *doing,
                           GError            **error)
{
  return _godwit_sql_run_fail (&self->run, doing, NULL, error);
}

/**
 * _godwit_sync_sidecar_prepare:
 *
 * Returns: (transfer none): the statement, prepared once and kept; reset,
 *   its bindings cleared
 */
sqlite3_stmt *
_godwit_sync_sidecar_prepare (GodwitSyncSidecar  *self,
                              const char         *sql,
                              GError            **error)
{
  sqlite3_stmt *statement = g_hash_table_lookup (self->statements, sql);

  if (statement != NULL)
    {
      sqlite3_reset (statement);
      sqlite3_clear_bindings (statement);
      return statement;
    }

  if (sqlite3_prepare_v3 (self->run.db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL) != SQLITE_OK)
    {
      g_autofree char *doing = g_strdup_printf (_("cannot prepare “%s”"), sql);

      _godwit_sync_sidecar_fail (self, doing, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), statement);

  return statement;
}

gboolean
_godwit_sync_sidecar_execute (GodwitSyncSidecar  *self,
                              const char         *sql,
                              GError            **error)
{
  return _godwit_sql_run_execute (&self->run, sql, sql, error);
}

/* Steps a statement that returns no row, then resets it: for the sidecar's
 * own tables and for the store it syncs, which share its connection. */
gboolean
_godwit_sync_sidecar_step_done (GodwitSyncSidecar  *self,
                                sqlite3_stmt       *statement,
                                const char         *doing,
                                GError            **error)
{
  int rc = sqlite3_step (statement);

  sqlite3_reset (statement);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return _godwit_sync_sidecar_fail (self, doing, error);

  return TRUE;
}

static char *
dup_column_text (sqlite3_stmt *statement,
                 int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (statement, column));
}

/* The document ids @sql selects, in its order. */
static GPtrArray *
dup_ids (GodwitSyncSidecar  *self,
         const char         *sql,
         GError            **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, sql, error);
  int rc;

  if (statement == NULL)
    return NULL;
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    g_ptr_array_add (ids, dup_column_text (statement, 0));
  sqlite3_reset (statement);
  if (rc != SQLITE_DONE)
    {
      _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);
      return NULL;
    }

  return g_steal_pointer (&ids);
}

static void
set_busy_error (const char  *store_path,
                const char  *path,
                GError     **error)
{
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
               _("%s: another sync of this store is running (its sidecar %s is locked)"), store_path, path);
}

/* Creates the sidecar's tables with a connection of its own, so that the
 * store's connection, which attaches it, never creates a file. */
static gboolean
create_schema (const char  *store_path,
               const char  *path,
               GError     **error)
{
  GodwitSqlRun run = { NULL, path, NULL, GODWIT_ERROR_IO, FALSE };
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  if (!_godwit_sql_run_open (&run, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL, error))
    return FALSE;
  sqlite3_busy_timeout (run.db, BUSY_TIMEOUT_MS);

  ok = _godwit_sql_run_execute (&run, _("cannot set the journal mode"), "PRAGMA journal_mode = WAL",
                                &local_error) &&
       _godwit_sql_run_execute (&run, _("cannot begin"), "BEGIN IMMEDIATE", &local_error);
  for (guint i = 0; ok && i < G_N_ELEMENTS (schema); i++)
    ok = _godwit_sql_run_execute (&run, _("cannot create the sync sidecar’s tables"), schema[i], &local_error);
  ok = ok && _godwit_sql_run_execute (&run, _("cannot commit"), "COMMIT", &local_error);
  if (!ok && (sqlite3_errcode (run.db) == SQLITE_BUSY || sqlite3_errcode (run.db) == SQLITE_LOCKED))
    set_busy_error (store_path, path, error);
  else if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  sqlite3_close (run.db);

  return ok;
}

static char *
get_info (GodwitSyncSidecar  *self,
          const char         *key,
          GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "SELECT value FROM sync.info WHERE key = ?",
                                                          error);
  char *value = NULL;
  int rc;

  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    value = dup_column_text (statement, 0);
  sqlite3_reset (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);

  return value;
}

static gboolean
set_info (GodwitSyncSidecar  *self,
          const char         *key,
          const char         *value,
          GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "INSERT OR REPLACE INTO sync.info (key, value) "
                                                                "VALUES (?, ?)", error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, value, -1, SQLITE_STATIC);

  return _godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error);
}

/* The sidecar's identity, and the store it belongs to: a sidecar beside
 * another store than its own would map objects it never saw. */
static gboolean
check_identity (GodwitSyncSidecar  *self,
                const char         *store_uuid,
                GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *format = get_info (self, "format", &local_error);
  g_autofree char *uuid = NULL;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (format == NULL)
    {
      self->instance_id = g_uuid_string_random ();

      return set_info (self, "format", FORMAT_VERSION, error) &&
             set_info (self, "instance", self->instance_id, error) &&
             set_info (self, "store_uuid", store_uuid != NULL ? store_uuid : "", error);
    }

  if (strcmp (format, FORMAT_VERSION) != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("%s: a sync sidecar of format %s, which this Godwit does not read"), self->path, format);
      return FALSE;
    }

  self->instance_id = get_info (self, "instance", &local_error);
  if (local_error == NULL)
    uuid = get_info (self, "store_uuid", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (self->instance_id == NULL || uuid == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("%s: the sync sidecar lacks its identity"), self->path);
      return FALSE;
    }
  if (g_strcmp0 (uuid, store_uuid != NULL ? store_uuid : "") != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("%s: this sync sidecar belongs to the store with UUID %s, not to %s (UUID %s); "
                     "move it away to sync this store afresh"), self->path, uuid, self->store_path,
                   /* Translators: the UUID of a store that has none */
                   store_uuid != NULL ? store_uuid : _("none"));
      return FALSE;
    }

  return TRUE;
}

/* Attaches the database at @path as @name. */
static gboolean
attach (GodwitSyncSidecar  *self,
        const char         *path,
        const char         *name,
        GError            **error)
{
  g_autofree char *file_name = _godwit_sql_dup_file_name (path);
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "ATTACH DATABASE ?1 AS ?2", error);
  int rc;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, file_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  sqlite3_reset (statement);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (strcmp (name, "sync") == 0)
    return _godwit_sync_sidecar_fail (self, _("cannot attach the sync sidecar"), error);
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: cannot open the store: %s"), path,
               sqlite3_errmsg (self->run.db));

  return FALSE;
}

/* The sidecar must commit before the store: in WAL mode its commit is
 * written in SQLite's first phase of a commit, before the store's,
 * whatever the store's journal mode; in another mode it would be written
 * in the second phase, after the store's. And its commit must be on disk
 * before the store's begins. */
static gboolean
set_journal_mode (GodwitSyncSidecar  *self,
                  GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "PRAGMA sync.journal_mode = WAL", error);
  g_autofree char *mode = NULL;
  int rc;

  if (statement == NULL)
    return FALSE;
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    mode = dup_column_text (statement, 0);
  sqlite3_reset (statement);
  if (rc != SQLITE_ROW)
    return _godwit_sync_sidecar_fail (self, _("cannot set the journal mode"), error);
  if (g_strcmp0 (mode, "wal") != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                   _("%s: the sync sidecar cannot use a write-ahead log (its journal mode stays “%s”)"),
                   self->path, mode != NULL ? mode : "");
      return FALSE;
    }

  return _godwit_sync_sidecar_execute (self, "PRAGMA sync.synchronous = FULL", error);
}

/**
 * _godwit_sync_sidecar_open:
 * @store_uuid: (nullable): the store's Z_UUID
 *
 * Opens the store for reading and writing as "store" with its sidecar
 * attached as "sync", creating the sidecar when it is missing. A sync of
 * the same store already running is an error.
 *
 * The connection's main database is an empty one in memory: SQLite
 * commits the databases of a transaction one after the other in the order
 * they were attached, and the sidecar, attached first, must commit before
 * the store.
 *
 * Returns: (transfer full): the sidecar
 */
GodwitSyncSidecar *
_godwit_sync_sidecar_open (const char    *store_path,
                           const char    *store_uuid,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GodwitSyncSidecar) self = NULL;
  g_autoptr(GError) local_error = NULL;

  self = g_object_new (GODWIT_TYPE_SYNC_SIDECAR, NULL);
  self->store_path = g_strdup (store_path);
  self->path = _godwit_sync_sidecar_dup_path (store_path);
  self->run.path = self->store_path;
  self->run.cancellable = cancellable;

  if (!create_schema (self->store_path, self->path, error))
    return NULL;

  /* One thread uses the connection from its opening to its closing:
   * SQLite's own locking of each call is not needed. */
  if (sqlite3_open_v2 (":memory:", &self->run.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: cannot open the store: %s"), self->store_path,
                   self->run.db != NULL ? sqlite3_errmsg (self->run.db) : _("out of memory"));
      return NULL;
    }
  _godwit_sql_run_watch_cancellable (&self->run);
  sqlite3_extended_result_codes (self->run.db, TRUE);
  sqlite3_busy_timeout (self->run.db, BUSY_TIMEOUT_MS);

  if (!attach (self, self->path, "sync", error) || !attach (self, self->store_path, "store", error))
    return NULL;
  /* ATTACH is done: a cached statement would hold the schema. */
  g_hash_table_remove_all (self->statements);

  if (!_godwit_sync_sidecar_execute (self, "PRAGMA sync.locking_mode = EXCLUSIVE", error) ||
      !set_journal_mode (self, error) ||
      !_godwit_sync_sidecar_execute (self, "BEGIN IMMEDIATE", &local_error))
    {
      if (local_error != NULL && sqlite3_errcode (self->run.db) == SQLITE_BUSY)
        set_busy_error (self->store_path, self->path, error);
      else if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!check_identity (self, store_uuid, error) ||
      !_godwit_sql_run_query_int (&self->run, _("cannot read the sync sidecar"),
                                  "SELECT IFNULL(MAX(seq), 0) FROM sync.documents", &self->last_seq, error) ||
      !_godwit_sync_sidecar_commit (self, error))
    {
      _godwit_sync_sidecar_rollback (self);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * _godwit_sync_sidecar_get_db:
 *
 * Returns: (transfer none): the connection to the store, with the sidecar
 *   attached as "sync"
 */
sqlite3 *
_godwit_sync_sidecar_get_db (GodwitSyncSidecar *self)
{
  return self->run.db;
}

const char *
_godwit_sync_sidecar_get_store_path (GodwitSyncSidecar *self)
{
  return self->store_path;
}

const char *
_godwit_sync_sidecar_get_path (GodwitSyncSidecar *self)
{
  return self->path;
}

/* A random UUID made with the sidecar: part of every replication id. */
const char *
_godwit_sync_sidecar_get_instance_id (GodwitSyncSidecar *self)
{
  return self->instance_id;
}

/**
 * _godwit_sync_sidecar_begin:
 * @write_store: whether the store is written: the transaction then takes
 *   the store's write lock at once, instead of failing halfway when the
 *   app holds it
 */
gboolean
_godwit_sync_sidecar_begin (GodwitSyncSidecar  *self,
                            gboolean            write_store,
                            GError            **error)
{
  /* Another commit would empty the journal that the next opening needs. */
  if (self->in_doubt)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                   _("%s: the store may lack what the last sync transaction wrote; sync again to finish it"),
                   self->store_path);
      return FALSE;
    }

  return _godwit_sync_sidecar_execute (self, write_store ? "BEGIN IMMEDIATE" : "BEGIN", error);
}

/* Empties the journal, outside any transaction: the store holds what it
 * lists. */
static gboolean
clear_journal (GodwitSyncSidecar  *self,
               GError            **error)
{
  if (!_godwit_sync_sidecar_execute (self, "DELETE FROM sync.journal", error))
    {
      self->in_doubt = TRUE;
      return FALSE;
    }
  self->journaled = FALSE;

  return TRUE;
}

/* Commits the sidecar, then the store; then empties the journal, whose
 * objects the store now holds. A failed commit after the journal was
 * written leaves the store's part in doubt until the sidecar is opened
 * again: this one begins no other transaction. */
gboolean
_godwit_sync_sidecar_commit (GodwitSyncSidecar  *self,
                             GError            **error)
{
  if (!_godwit_sync_sidecar_execute (self, "COMMIT", error))
    {
      self->in_doubt = self->journaled;
      return FALSE;
    }

  return !self->journaled || clear_journal (self, error);
}

/* Undoes the transaction, if one is open, and the sequence numbers it took. */
void
_godwit_sync_sidecar_rollback (GodwitSyncSidecar *self)
{
  if (self->run.db != NULL && !sqlite3_get_autocommit (self->run.db))
    sqlite3_exec (self->run.db, "ROLLBACK", NULL, NULL, NULL);
  if (self->run.db != NULL)
    _godwit_sql_run_query_int (&self->run, "", "SELECT IFNULL(MAX(seq), 0) FROM sync.documents",
                               &self->last_seq, NULL);
}

/* ---- documents ---------------------------------------------------------- */

void
_godwit_sync_record_free (GodwitSyncRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->id);
  g_free (record->entity);
  g_free (record->root);
  g_free (record->rev);
  g_free (record->digest);
  g_free (record);
}

#define RECORD_COLUMNS "id, entity, root, pk, rev, digest"

static GodwitSyncRecord *
read_record (GodwitSyncSidecar  *self,
             sqlite3_stmt       *statement,
             GError            **error)
{
  GodwitSyncRecord *record = NULL;
  int rc = sqlite3_step (statement);

  if (rc == SQLITE_ROW)
    {
      record = g_new0 (GodwitSyncRecord, 1);
      record->id = dup_column_text (statement, 0);
      record->entity = dup_column_text (statement, 1);
      record->root = dup_column_text (statement, 2);
      record->pk = sqlite3_column_int64 (statement, 3);
      record->rev = dup_column_text (statement, 4);
      record->digest = dup_column_text (statement, 5);
    }
  sqlite3_reset (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);

  return record;
}

/**
 * _godwit_sync_sidecar_find:
 *
 * Returns: (transfer full) (nullable): the record of document @id; %NULL
 *   without an error when the sidecar has none
 */
GodwitSyncRecord *
_godwit_sync_sidecar_find (GodwitSyncSidecar  *self,
                           const char         *id,
                           GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "SELECT " RECORD_COLUMNS " FROM sync.documents "
                                                                "WHERE id = ?", error);

  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);

  return read_record (self, statement, error);
}

/**
 * _godwit_sync_sidecar_get:
 *
 * Returns: (transfer full): the record of document @id, which must have
 *   one: its absence is an error
 */
GodwitSyncRecord *
_godwit_sync_sidecar_get (GodwitSyncSidecar  *self,
                          const char         *id,
                          GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  GodwitSyncRecord *record = _godwit_sync_sidecar_find (self, id, &local_error);

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (record == NULL)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE, _("%s: the sync sidecar has no record of “%s”"),
                 self->path, id);

  return record;
}

/**
 * _godwit_sync_sidecar_find_object:
 * @root: the root entity of the object's hierarchy
 *
 * Returns: (transfer full) (nullable): the record of the object with Z_PK
 *   @pk in @root's table; %NULL without an error when it has none
 */
GodwitSyncRecord *
_godwit_sync_sidecar_find_object (GodwitSyncSidecar  *self,
                                  const char         *root,
                                  gint64              pk,
                                  GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "SELECT " RECORD_COLUMNS " FROM sync.documents "
                                                                "WHERE root = ? AND pk = ?", error);

  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, root, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 2, pk);

  return read_record (self, statement, error);
}

static void
bind_nullable_text (sqlite3_stmt *statement,
                    int           parameter,
                    const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (statement, parameter, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (statement, parameter);
}

/**
 * _godwit_sync_sidecar_save:
 *
 * Writes @record with the next sequence number. Another record holding
 * the same object loses it: the object is @record's now.
 */
gboolean
_godwit_sync_sidecar_save (GodwitSyncSidecar       *self,
                           const GodwitSyncRecord  *record,
                           GError                 **error)
{
  sqlite3_stmt *statement;

  if (record->pk > 0)
    {
      statement = _godwit_sync_sidecar_prepare (self, "UPDATE sync.documents SET pk = NULL "
                                                      "WHERE root = ? AND pk = ? AND id != ?", error);
      if (statement == NULL)
        return FALSE;
      sqlite3_bind_text (statement, 1, record->root, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (statement, 2, record->pk);
      sqlite3_bind_text (statement, 3, record->id, -1, SQLITE_STATIC);
      if (!_godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error))
        return FALSE;
    }

  statement = _godwit_sync_sidecar_prepare (self,
                                            "INSERT INTO sync.documents (" RECORD_COLUMNS ", seq) "
                                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE "
                                            "SET entity = ?2, root = ?3, pk = ?4, rev = ?5, digest = ?6, seq = ?7",
                                            error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, record->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, record->entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, record->root, -1, SQLITE_STATIC);
  if (record->pk > 0)
    sqlite3_bind_int64 (statement, 4, record->pk);
  else
    sqlite3_bind_null (statement, 4);
  bind_nullable_text (statement, 5, record->rev);
  bind_nullable_text (statement, 6, record->digest);
  sqlite3_bind_int64 (statement, 7, self->last_seq + 1);
  if (!_godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error))
    return FALSE;
  self->last_seq++;

  return TRUE;
}

/**
 * _godwit_sync_sidecar_touch:
 *
 * Gives document @id the next sequence number: its revision tree changed,
 * so the next push looks at it.
 */
gboolean
_godwit_sync_sidecar_touch (GodwitSyncSidecar  *self,
                            const char         *id,
                            GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "UPDATE sync.documents SET seq = ? WHERE id = ?",
                                                          error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, self->last_seq + 1);
  sqlite3_bind_text (statement, 2, id, -1, SQLITE_STATIC);
  if (!_godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error))
    return FALSE;
  self->last_seq++;

  return TRUE;
}

gint64
_godwit_sync_sidecar_get_last_seq (GodwitSyncSidecar *self)
{
  return self->last_seq;
}

/**
 * _godwit_sync_sidecar_dup_changes:
 * @until: the last sequence number to take
 * @last_seq: (out): the sequence number of the last id returned, or
 *   @since when there is none
 *
 * Returns: (transfer full) (element-type utf8): ids of the documents
 *   changed after @since and last changed at @until or before, in the
 *   order of their changes
 */
GPtrArray *
_godwit_sync_sidecar_dup_changes (GodwitSyncSidecar  *self,
                                  gint64              since,
                                  gint64              until,
                                  guint               limit,
                                  gint64             *last_seq,
                                  GError            **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *statement;
  int rc;

  *last_seq = since;
  statement = _godwit_sync_sidecar_prepare (self, "SELECT id, seq FROM sync.documents WHERE seq > ? "
                                                  "AND seq <= ? ORDER BY seq LIMIT ?", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, since);
  sqlite3_bind_int64 (statement, 2, until);
  sqlite3_bind_int64 (statement, 3, limit);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      g_ptr_array_add (ids, dup_column_text (statement, 0));
      *last_seq = sqlite3_column_int64 (statement, 1);
    }
  sqlite3_reset (statement);
  if (rc != SQLITE_DONE)
    {
      _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);
      return NULL;
    }

  return g_steal_pointer (&ids);
}

/* ---- revision trees ----------------------------------------------------- */

void
_godwit_sync_revision_free (GodwitSyncRevision *revision)
{
  if (revision == NULL)
    return;

  g_free (revision->rev);
  g_free (revision->parent);
  g_free (revision->body);
  g_free (revision);
}

gboolean
_godwit_sync_sidecar_has_revision (GodwitSyncSidecar  *self,
                                   const char         *id,
                                   const char         *rev,
                                   gboolean           *has,
                                   GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "SELECT 1 FROM sync.revisions "
                                                                "WHERE id = ? AND rev = ?", error);
  int rc;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, rev, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  sqlite3_reset (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);
  *has = rc == SQLITE_ROW;

  return TRUE;
}

static gboolean
insert_revision (GodwitSyncSidecar  *self,
                 const char         *id,
                 const char         *rev,
                 const char         *parent,
                 gboolean            deleted,
                 const char         *body,
                 GError            **error)
{
  sqlite3_stmt *statement;
  gint64 generation = 0;

  godwit_sync_revision_parse (rev, &generation, NULL);
  statement = _godwit_sync_sidecar_prepare (self,
                                            "INSERT INTO sync.revisions (id, rev, generation, parent, deleted, "
                                            "leaf, body) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6) "
                                            "ON CONFLICT (id, rev) DO UPDATE SET "
                                            "parent = IFNULL(parent, ?4), body = IFNULL(body, ?6), "
                                            "deleted = CASE WHEN ?6 IS NULL THEN deleted ELSE ?5 END",
                                            error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, rev, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 3, generation);
  bind_nullable_text (statement, 4, parent);
  sqlite3_bind_int (statement, 5, deleted);
  bind_nullable_text (statement, 6, body);

  return _godwit_sync_sidecar_step_done (self, statement, _("cannot write a revision into the sync sidecar"), error);
}

/* Stems the tree to the last REVISIONS_KEPT generations and drops the
 * bodies of old inner revisions. */
static gboolean
prune (GodwitSyncSidecar  *self,
       const char         *id,
       GError            **error)
{
  static const char * const statements[] = {
    "DELETE FROM sync.revisions WHERE id = ?1 AND leaf = 0 AND generation < "
    "(SELECT MAX(generation) FROM sync.revisions WHERE id = ?1) - " G_STRINGIFY (REVISIONS_KEPT),
    "UPDATE sync.revisions SET parent = NULL WHERE id = ?1 AND parent IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM sync.revisions p WHERE p.id = ?1 AND p.rev = sync.revisions.parent)",
    "UPDATE sync.revisions SET body = NULL WHERE id = ?1 AND leaf = 0 AND body IS NOT NULL AND generation < "
    "(SELECT MAX(generation) FROM sync.revisions WHERE id = ?1) - " G_STRINGIFY (BODIES_KEPT),
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, statements[i], error);

      if (statement == NULL)
        return FALSE;
      sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);
      if (!_godwit_sync_sidecar_step_done (self, statement, _("cannot prune a revision tree in the sync sidecar"),
                                           error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
update_leaves (GodwitSyncSidecar  *self,
               const char         *id,
               GError            **error)
{
  sqlite3_stmt *statement;

  statement = _godwit_sync_sidecar_prepare (self,
                                            "UPDATE sync.revisions SET leaf = NOT EXISTS (SELECT 1 FROM "
                                            "sync.revisions c WHERE c.id = ?1 AND c.parent = sync.revisions.rev) "
                                            "WHERE id = ?1", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);

  return _godwit_sync_sidecar_step_done (self, statement, _("cannot update a revision tree in the sync sidecar"),
                                         error);
}

/**
 * _godwit_sync_sidecar_add_revision:
 * @document: a revision, with its body (or deleted) and, when it came
 *   from a server, its history
 * @parent_rev: (nullable): its parent, when @document has no history
 *
 * Adds a revision and its ancestors to the document's revision tree,
 * which must have a record. A revision already there gains what it
 * lacked (its body, its parent).
 */
gboolean
_godwit_sync_sidecar_add_revision (GodwitSyncSidecar   *self,
                                   GodwitSyncDocument  *document,
                                   const char          *parent_rev,
                                   GError             **error)
{
  g_autofree char *body = NULL;

  g_return_val_if_fail (document->rev != NULL, FALSE);

  if (document->history != NULL && document->history->len > 0)
    {
      GPtrArray *history = document->history;

      /* Oldest first, so that each parent is there before its child. */
      for (guint i = history->len; i-- > 1;)
        if (!insert_revision (self, document->id, g_ptr_array_index (history, i),
                              i + 1 < history->len ? g_ptr_array_index (history, i + 1) : NULL,
                              FALSE, NULL, error))
          return FALSE;
      parent_rev = history->len > 1 ? g_ptr_array_index (history, 1) : NULL;
    }

  body = godwit_sync_document_dup_body (document);

  return insert_revision (self, document->id, document->rev, parent_rev, document->deleted, body, error) &&
         update_leaves (self, document->id, error) &&
         prune (self, document->id, error);
}

static int
compare_winner_first (gconstpointer a,
                      gconstpointer b)
{
  const GodwitSyncRevision *ra = *(GodwitSyncRevision * const *) a;
  const GodwitSyncRevision *rb = *(GodwitSyncRevision * const *) b;

  if (ra->deleted != rb->deleted)
    return ra->deleted ? 1 : -1;

  return -godwit_sync_revision_compare (ra->rev, rb->rev);
}

static GPtrArray *
query_revisions (GodwitSyncSidecar  *self,
                 const char         *sql,
                 const char         *id,
                 GError            **error)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func ((GDestroyNotify) _godwit_sync_revision_free);
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, sql, error);
  int rc;

  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      GodwitSyncRevision *revision = g_new0 (GodwitSyncRevision, 1);

      revision->rev = dup_column_text (statement, 0);
      revision->parent = dup_column_text (statement, 1);
      revision->deleted = sqlite3_column_int (statement, 2) != 0;
      revision->leaf = sqlite3_column_int (statement, 3) != 0;
      revision->body = dup_column_text (statement, 4);
      g_ptr_array_add (revisions, revision);
    }
  sqlite3_reset (statement);
  if (rc != SQLITE_DONE)
    {
      _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);
      return NULL;
    }
  g_ptr_array_sort (revisions, compare_winner_first);

  return g_steal_pointer (&revisions);
}

/**
 * _godwit_sync_sidecar_dup_revisions:
 *
 * Returns: (transfer full) (element-type GodwitSyncRevision): every
 *   revision kept of document @id
 */
GPtrArray *
_godwit_sync_sidecar_dup_revisions (GodwitSyncSidecar  *self,
                                    const char         *id,
                                    GError            **error)
{
  return query_revisions (self, "SELECT rev, parent, deleted, leaf, body FROM sync.revisions WHERE id = ?",
                          id, error);
}

/**
 * _godwit_sync_sidecar_dup_leaves:
 *
 * Returns: (transfer full) (element-type GodwitSyncRevision): the leaves of
 *   document @id, the winner first: as CouchDB picks it, the undeleted
 *   leaf of the highest generation, then of the highest hash
 */
GPtrArray *
_godwit_sync_sidecar_dup_leaves (GodwitSyncSidecar  *self,
                                 const char         *id,
                                 GError            **error)
{
  return query_revisions (self, "SELECT rev, parent, deleted, leaf, body FROM sync.revisions "
                                "WHERE id = ? AND leaf = 1", id, error);
}

/* Revision @rev of document @id: its body (NULL once pruned) and its
 * history, @rev first, at most @max_history revisions. %FALSE without an
 * error when the sidecar does not have @rev. Only @rev's body is read. */
static gboolean
load_chain (GodwitSyncSidecar  *self,
            const char         *id,
            const char         *rev,
            guint               max_history,
            char              **body,
            GPtrArray         **history,
            GError            **error)
{
  g_autoptr(GHashTable) parents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *found_body = NULL;
  sqlite3_stmt *statement;
  gboolean found = FALSE;
  const char *current;
  int rc;

  statement = _godwit_sync_sidecar_prepare (self, "SELECT rev, parent, rev = ?2, CASE WHEN rev = ?2 THEN body END "
                                                  "FROM sync.revisions WHERE id = ?1", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, rev, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      g_hash_table_insert (parents, dup_column_text (statement, 0), dup_column_text (statement, 1));
      if (sqlite3_column_int (statement, 2))
        {
          found = TRUE;
          found_body = dup_column_text (statement, 3);
        }
    }
  sqlite3_reset (statement);
  if (rc != SQLITE_DONE)
    return _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);
  if (!found)
    return FALSE;

  for (current = rev; current != NULL && chain->len < max_history;
       current = g_hash_table_lookup (parents, current))
    {
      /* A parent that is not kept ends the history. */
      if (chain->len > 0 && !g_hash_table_contains (parents, current))
        break;
      g_ptr_array_add (chain, g_strdup (current));
    }

  *body = g_steal_pointer (&found_body);
  *history = g_steal_pointer (&chain);

  return TRUE;
}

static void
set_pruned_error (GodwitSyncSidecar  *self,
                  const char         *id,
                  const char         *rev,
                  GError            **error)
{
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
               _("%s: the sync sidecar no longer keeps revision %s of “%s”"), self->path, rev, id);
}

/**
 * _godwit_sync_sidecar_load_revision:
 * @max_history: how many revisions the document's history holds at most,
 *   this one included
 *
 * Returns: (transfer full): revision @rev of document @id with its body
 *   and history, or %NULL when its body is no longer kept
 */
GodwitSyncDocument *
_godwit_sync_sidecar_load_revision (GodwitSyncSidecar  *self,
                                    const char         *id,
                                    const char         *rev,
                                    guint               max_history,
                                    GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) history = NULL;
  GodwitSyncDocument *document;

  if (!load_chain (self, id, rev, max_history, &body, &history, &local_error) || body == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        set_pruned_error (self, id, rev, error);
      return NULL;
    }

  document = godwit_sync_document_new_from_body (id, rev, body, error);
  if (document != NULL)
    document->history = g_steal_pointer (&history);

  return document;
}

/**
 * _godwit_sync_sidecar_dup_revision_json:
 *
 * Revision @rev of document @id as a server takes it, with its history of
 * at most @max_history revisions: see _godwit_sync_document_dup_json_text().
 * Its body is not read into a tree: a push sends it as the sidecar keeps it.
 *
 * Returns: (transfer full) (nullable): the document's JSON text; %NULL
 *   without an error when the sidecar does not have @rev, with one when
 *   its body is no longer kept
 */
char *
_godwit_sync_sidecar_dup_revision_json (GodwitSyncSidecar  *self,
                                        const char         *id,
                                        const char         *rev,
                                        guint               max_history,
                                        GError            **error)
{
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) history = NULL;

  if (!load_chain (self, id, rev, max_history, &body, &history, error))
    return NULL;
  if (body == NULL)
    {
      set_pruned_error (self, id, rev, error);
      return NULL;
    }

  return _godwit_sync_document_dup_json_text (id, rev, history, body, error);
}

/**
 * _godwit_sync_sidecar_dup_conflicted_ids:
 *
 * Returns: (transfer full) (element-type utf8): the documents with more
 *   than one undeleted leaf
 */
GPtrArray *
_godwit_sync_sidecar_dup_conflicted_ids (GodwitSyncSidecar  *self,
                                         GError            **error)
{
  return dup_ids (self, "SELECT id FROM sync.revisions WHERE leaf = 1 AND deleted = 0 "
                       "GROUP BY id HAVING COUNT(*) > 1 ORDER BY id", error);
}

/* ---- relationship targets that have not arrived -------------------------- */

void
_godwit_sync_pending_free (GodwitSyncPending *pending)
{
  if (pending == NULL)
    return;

  g_free (pending->id);
  g_free (pending->relationship);
  g_free (pending->target);
  g_free (pending);
}

/**
 * _godwit_sync_sidecar_set_pending:
 * @pending: (element-type GodwitSyncPending): the targets of relationship
 *   @relationship of document @id that the store cannot hold yet (their
 *   @id and @relationship are not read)
 */
gboolean
_godwit_sync_sidecar_set_pending (GodwitSyncSidecar  *self,
                                  const char         *id,
                                  const char         *relationship,
                                  GPtrArray          *pending,
                                  GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "DELETE FROM sync.pending "
                                                                "WHERE id = ? AND relationship = ?", error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, relationship, -1, SQLITE_STATIC);
  if (!_godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error))
    return FALSE;

  if (pending != NULL && pending->len > 0)
    self->has_pending = 1;
  for (guint i = 0; pending != NULL && i < pending->len; i++)
    {
      GodwitSyncPending *p = g_ptr_array_index (pending, i);

      statement = _godwit_sync_sidecar_prepare (self, "INSERT OR REPLACE INTO sync.pending (id, relationship, "
                                                      "position, target) VALUES (?, ?, ?, ?)", error);
      if (statement == NULL)
        return FALSE;
      sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (statement, 2, relationship, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (statement, 3, p->position);
      sqlite3_bind_text (statement, 4, p->target, -1, SQLITE_STATIC);
      if (!_godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error))
        return FALSE;
    }

  return TRUE;
}

static GPtrArray *
query_pending (GodwitSyncSidecar  *self,
               const char         *sql,
               const char         *first,
               const char         *second,
               GError            **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) _godwit_sync_pending_free);
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, sql, error);
  int rc;

  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, first, -1, SQLITE_STATIC);
  if (second != NULL)
    sqlite3_bind_text (statement, 2, second, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      GodwitSyncPending *p = g_new0 (GodwitSyncPending, 1);

      p->id = dup_column_text (statement, 0);
      p->relationship = dup_column_text (statement, 1);
      p->position = sqlite3_column_int64 (statement, 2);
      p->target = dup_column_text (statement, 3);
      g_ptr_array_add (rows, p);
    }
  sqlite3_reset (statement);
  if (rc != SQLITE_DONE)
    {
      _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/**
 * _godwit_sync_sidecar_dup_pending:
 *
 * Returns: (transfer full) (element-type GodwitSyncPending): the targets
 *   of relationship @relationship of document @id that the store does not
 *   hold yet, by position
 */
GPtrArray *
_godwit_sync_sidecar_dup_pending (GodwitSyncSidecar  *self,
                                  const char         *id,
                                  const char         *relationship,
                                  GError            **error)
{
  /* A scan asks for every relationship of every object: most stores have
   * nothing pending at all. */
  if (self->has_pending < 0)
    {
      gint64 any = 1;

      if (!_godwit_sql_run_query_int (&self->run, _("cannot read the sync sidecar"),
                                      "SELECT EXISTS (SELECT 1 FROM sync.pending)", &any, error))
        return NULL;
      self->has_pending = any != 0;
    }
  if (self->has_pending == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) _godwit_sync_pending_free);

  return query_pending (self, "SELECT id, relationship, position, target FROM sync.pending "
                              "WHERE id = ? AND relationship = ? ORDER BY position", id, relationship, error);
}

/**
 * _godwit_sync_sidecar_dup_pending_owners:
 *
 * Returns: (transfer full) (element-type GodwitSyncPending): the
 *   relationships waiting for document @target
 */
GPtrArray *
_godwit_sync_sidecar_dup_pending_owners (GodwitSyncSidecar  *self,
                                         const char         *target,
                                         GError            **error)
{
  return query_pending (self, "SELECT id, relationship, position, target FROM sync.pending "
                              "WHERE target = ? ORDER BY id, relationship, position", target, NULL, error);
}

/* Document @target will not arrive (it was deleted): nothing waits for it. */
gboolean
_godwit_sync_sidecar_forget_target (GodwitSyncSidecar  *self,
                                    const char         *target,
                                    GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "DELETE FROM sync.pending WHERE target = ?",
                                                          error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, target, -1, SQLITE_STATIC);

  return _godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error);
}

/* ---- effects ------------------------------------------------------------ */

/* Writing an object changes the documents of the objects on the other side
 * of its relationships: a pull writes those objects' own revisions in a
 * later batch, if at all. Until then their documents differ from their
 * revisions in relationships only, and no writer but the sync made that
 * difference. */

/**
 * _godwit_sync_sidecar_note_effect:
 * @root: the root entity of the object's hierarchy
 * @relationship: (nullable): the relationship of the object that gained
 *   @target
 * @target: (nullable): the document it gained
 *
 * Notes that the sync changed the relationships of the synced object with
 * Z_PK @pk in @root's table through another object; not when the object
 * already counted @target as a target that had not arrived.
 */
gboolean
_godwit_sync_sidecar_note_effect (GodwitSyncSidecar  *self,
                                  const char         *root,
                                  gint64              pk,
                                  const char         *relationship,
                                  const char         *target,
                                  GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "INSERT OR IGNORE INTO sync.effects (id) "
                                                                "SELECT d.id FROM sync.documents d "
                                                                "WHERE d.root = ?1 AND d.pk = ?2 AND d.rev IS NOT NULL "
                                                                "AND (?3 IS NULL OR NOT EXISTS (SELECT 1 FROM "
                                                                "sync.pending p WHERE p.id = d.id AND "
                                                                "p.relationship = ?3 AND p.target = ?4))", error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, root, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 2, pk);
  bind_nullable_text (statement, 3, relationship);
  bind_nullable_text (statement, 4, target);

  return _godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error);
}

gboolean
_godwit_sync_sidecar_has_effect (GodwitSyncSidecar  *self,
                                 const char         *id,
                                 gboolean           *has,
                                 GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "SELECT 1 FROM sync.effects WHERE id = ?", error);
  int rc;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  sqlite3_reset (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);
  *has = rc == SQLITE_ROW;

  return TRUE;
}

/* The document of @id is its revision's again, or has a revision of its
 * own. */
gboolean
_godwit_sync_sidecar_forget_effect (GodwitSyncSidecar  *self,
                                    const char         *id,
                                    GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "DELETE FROM sync.effects WHERE id = ?", error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, id, -1, SQLITE_STATIC);

  return _godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error);
}

/**
 * _godwit_sync_sidecar_dup_effect_ids:
 *
 * Returns: (transfer full) (element-type utf8): the documents with effects
 */
GPtrArray *
_godwit_sync_sidecar_dup_effect_ids (GodwitSyncSidecar  *self,
                                     GError            **error)
{
  return dup_ids (self, "SELECT id FROM sync.effects ORDER BY id", error);
}

/* ---- checkpoints -------------------------------------------------------- */

/**
 * _godwit_sync_sidecar_get_checkpoint:
 *
 * Returns: (transfer full) (nullable): the checkpoint of a replication, as
 *   its _local document on the server would have it; %NULL without an
 *   error when there is none
 */
JsonObject *
_godwit_sync_sidecar_get_checkpoint (GodwitSyncSidecar  *self,
                                     const char         *replication_id,
                                     GError            **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "SELECT document FROM sync.checkpoints "
                                                                "WHERE replication_id = ?", error);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  int rc;

  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, replication_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    text = dup_column_text (statement, 0);
  sqlite3_reset (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);
      return NULL;
    }
  if (text == NULL)
    return NULL;

  root = _godwit_json_load_checked (text, strlen (text), self->path, _("a checkpoint"), MAX_CHECKPOINT_SIZE, 16,
                                    error);
  if (root == NULL)
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

gboolean
_godwit_sync_sidecar_put_checkpoint (GodwitSyncSidecar  *self,
                                     const char         *replication_id,
                                     JsonObject         *checkpoint,
                                     GError            **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  sqlite3_stmt *statement;

  json_node_set_object (node, checkpoint);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);

  statement = _godwit_sync_sidecar_prepare (self, "INSERT OR REPLACE INTO sync.checkpoints (replication_id, "
                                                  "document) VALUES (?, ?)", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, replication_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, text, -1, SQLITE_STATIC);

  return _godwit_sync_sidecar_step_done (self, statement, _("cannot write a checkpoint into the sync sidecar"), error);
}

/* ---- the journal of the store's writes ---------------------------------- */

void
_godwit_sync_journal_entry_free (GodwitSyncJournalEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->id);
  g_free (entry->rev);
  g_free (entry->relationship);
  g_free (entry->cause);
  g_free (entry);
}

/* Adds @entry (its position not read) at the end of the journal, in the
 * transaction under way. */
gboolean
_godwit_sync_sidecar_add_journal_entry (GodwitSyncSidecar             *self,
                                        const GodwitSyncJournalEntry  *entry,
                                        GError                       **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "INSERT INTO sync.journal (kind, id, rev, "
                                                                "relationship, cause, pk, z_opt) "
                                                                "VALUES (?, ?, ?, ?, ?, ?, ?)", error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int (statement, 1, entry->kind);
  sqlite3_bind_text (statement, 2, entry->id, -1, SQLITE_STATIC);
  bind_nullable_text (statement, 3, entry->rev);
  bind_nullable_text (statement, 4, entry->relationship);
  bind_nullable_text (statement, 5, entry->cause);
  sqlite3_bind_int64 (statement, 6, entry->pk);
  sqlite3_bind_int64 (statement, 7, entry->z_opt);
  self->journaled = TRUE;

  return _godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error);
}

/* Writes the object and Z_OPT of the entry at @entry's position again. */
gboolean
_godwit_sync_sidecar_update_journal_entry (GodwitSyncSidecar             *self,
                                           const GodwitSyncJournalEntry  *entry,
                                           GError                       **error)
{
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "UPDATE sync.journal SET pk = ?, z_opt = ? "
                                                                "WHERE position = ?", error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, entry->pk);
  sqlite3_bind_int64 (statement, 2, entry->z_opt);
  sqlite3_bind_int64 (statement, 3, entry->position);
  self->journaled = TRUE;

  return _godwit_sync_sidecar_step_done (self, statement, _("cannot write the sync sidecar"), error);
}

/**
 * _godwit_sync_sidecar_dup_journal:
 *
 * Returns: (transfer full) (element-type GodwitSyncJournalEntry): the
 *   journal, in the order of the writes; empty unless the store's part of
 *   a transaction is in doubt
 */
GPtrArray *
_godwit_sync_sidecar_dup_journal (GodwitSyncSidecar  *self,
                                  GError            **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) _godwit_sync_journal_entry_free);
  sqlite3_stmt *statement = _godwit_sync_sidecar_prepare (self, "SELECT position, kind, id, rev, relationship, cause, "
                                                                "pk, z_opt FROM sync.journal ORDER BY position",
                                                          error);
  int rc;

  if (statement == NULL)
    return NULL;
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      GodwitSyncJournalEntry *entry = g_new0 (GodwitSyncJournalEntry, 1);
      int kind = sqlite3_column_int (statement, 1);

      entry->position = sqlite3_column_int64 (statement, 0);
      entry->kind = CLAMP (kind, GODWIT_SYNC_JOURNAL_INSERT, GODWIT_SYNC_JOURNAL_LINK);
      entry->id = dup_column_text (statement, 2);
      entry->rev = dup_column_text (statement, 3);
      entry->relationship = dup_column_text (statement, 4);
      entry->cause = dup_column_text (statement, 5);
      entry->pk = sqlite3_column_int64 (statement, 6);
      entry->z_opt = sqlite3_column_int64 (statement, 7);
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (statement);
  if (rc != SQLITE_DONE)
    {
      _godwit_sync_sidecar_fail (self, _("cannot read the sync sidecar"), error);
      return NULL;
    }
  if (entries->len > 0)
    self->journaled = TRUE;

  return g_steal_pointer (&entries);
}
