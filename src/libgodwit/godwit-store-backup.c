/* godwit-store-backup.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A user's data is sacred: a store is only ever replaced by a rename, after
 * a byte-exact, fsynced backup of its files. Whatever instant the process
 * dies at, the store path holds either the original (logically intact) or
 * the replacement, and what is left behind is a "*.godwit-tmp" work file or
 * folder that the next call removes.
 *
 * The swap (godwit_store_replace()):
 *   1. take an EXCLUSIVE lock on the store with locking_mode=EXCLUSIVE: it
 *      fails while any other connection has the store open, and from then
 *      on nobody else can read or write it; the WAL index lives in heap
 *      memory, so the real -shm is not touched;
 *   2. copy the store, -wal and -shm into "<stamp>.godwit-tmp" in the
 *      backup folder, write the manifest, fsync, rename to "<stamp>";
 *   3. checkpoint the WAL into the store file and truncate it (SQLite's
 *      own crash-safe operation), then remove the empty -wal and the -shm;
 *   4. rename the replacement over the store, fsync the folder;
 *   5. close the connection without its checkpoint-on-close, which would
 *      otherwise remove a -wal by name that may by now be the new store's.
 */

#define _GNU_SOURCE  /* renameat2 */
#define G_LOG_DOMAIN "godwit-store-backup"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "godwit-error.h"
#include "godwit-file-private.h"
#include "godwit-json-private.h"
#include "godwit-readonly-vfs-private.h"
#include "godwit-sql-private.h"
#include "godwit-store-backup.h"
#include "godwit-sync-sidecar-private.h"

#define WORK_SUFFIX         ".godwit-tmp"
#define BACKUPS_SUFFIX      ".godwit-backups"
#define MANIFEST_NAME       "manifest.json"
#define MANIFEST_FORMAT     1
#define MANIFEST_MAX_SIZE   (64 * 1024)
/* A manifest nests three deep; deeper ones are refused before json-glib,
 * whose recursive parser would exhaust the stack. */
#define MANIFEST_MAX_DEPTH  8
#define COPY_CHUNK_SIZE     (1024 * 1024)
#define SNAPSHOT_STEP_PAGES 1024

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)

typedef enum
{
  FILE_ROLE_STORE,
  FILE_ROLE_WAL,
  FILE_ROLE_SHM,
  N_FILE_ROLES
} FileRole;

static const char * const role_names[N_FILE_ROLES] = { "store", "wal", "shm" };
static const char * const role_suffixes[N_FILE_ROLES] = { "", "-wal", "-shm" };

typedef struct
{
  char   *name;
  gint64  size;
  char   *sha256;
} BackupFile;

/* A backup as its manifest describes it; files[role] and sidecar[role]
 * may be NULL. The sync sidecar (Store.sqlite.godwit-sync) is a companion
 * of the store: it maps the store's objects to documents, so a store put
 * back without its sidecar of the same moment would look changed to the
 * next sync. */
typedef struct
{
  GodwitStoreBackup *backup;
  BackupFile        *files[N_FILE_ROLES];
  BackupFile        *sidecar[N_FILE_ROLES];
} Manifest;

void
godwit_store_backup_free (GodwitStoreBackup *backup)
{
  if (backup == NULL)
    return;

  g_free (backup->path);
  g_free (backup->store_path);
  g_clear_pointer (&backup->created, g_date_time_unref);
  g_free (backup->description);
  g_free (backup);
}

static void
backup_file_free (BackupFile *file)
{
  if (file == NULL)
    return;

  g_free (file->name);
  g_free (file->sha256);
  g_free (file);
}

static void
manifest_free (Manifest *manifest)
{
  godwit_store_backup_free (manifest->backup);
  for (guint i = 0; i < N_FILE_ROLES; i++)
    {
      backup_file_free (manifest->files[i]);
      backup_file_free (manifest->sidecar[i]);
    }
  g_free (manifest);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Manifest, manifest_free)

static gboolean
set_errno_error (GError     **error,
                 const char  *path,
                 const char  *what,
                 int          errsv)
{
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s: %s", path, what, g_strerror (errsv));
  return FALSE;
}

static gboolean
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  int          rc,
                  const char  *path,
                  const char  *what)
{
  GodwitError code = GODWIT_ERROR_IO;

  if ((rc & 0xff) == SQLITE_NOTADB)
    code = GODWIT_ERROR_NOT_SQLITE;
  else if ((rc & 0xff) == SQLITE_CORRUPT)
    code = GODWIT_ERROR_CORRUPT_STORE;

  g_set_error (error, GODWIT_ERROR, code, "%s: %s: %s", path, what,
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
path_exists (const char *path)
{
  struct stat st;

  return lstat (path, &st) == 0;
}

/* The size of a file, 0 when it does not exist. */
static gint64
file_size (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return 0;

  return st.st_size;
}

static gboolean
check_regular_file (const char  *path,
                    struct stat *st,
                    GError     **error)
{
  if (lstat (path, st) != 0)
    return set_errno_error (error, path, _("cannot read"), errno);

  if (!S_ISREG (st->st_mode))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_WRONG_FILE_TYPE,
                   _("%s: not a regular file"), path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
sync_path (const char  *path,
           gboolean     is_dir,
           GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | (is_dir ? O_DIRECTORY : 0));

  if (fd < 0)
    return set_errno_error (error, path, _("cannot open to sync"), errno);

  if (fsync (fd) != 0)
    {
      int errsv = errno;

      close (fd);
      return set_errno_error (error, path, _("cannot sync"), errsv);
    }

  close (fd);
  return TRUE;
}

static gboolean
sync_parent (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return sync_path (dir, TRUE, error);
}

/* Fails instead of replacing @to when it exists. */
static gboolean
rename_no_replace (const char  *from,
                   const char  *to,
                   GError     **error)
{
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return TRUE;

  /* Some file systems lack RENAME_NOREPLACE; link() fails on an existing
   * name just as atomically, for files. */
  if (errno == EINVAL || errno == ENOSYS)
    {
      if (link (from, to) == 0)
        {
          if (unlink (from) != 0)
            return set_errno_error (error, from, _("cannot remove"), errno);
          return TRUE;
        }
    }

  return set_errno_error (error, to, _("cannot rename to it"), errno);
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length,
           const char  *path,
           GError     **error)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return set_errno_error (error, path, _("cannot write"), written < 0 ? errno : ENOSPC);

      data += written;
      length -= written;
    }

  return TRUE;
}

/* Copies @from to the new file @to byte for byte and fsyncs it. */
static gboolean
copy_file (const char    *from,
           const char    *to,
           char         **sha256_out,
           gint64        *size_out,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *buffer = NULL;
  struct stat st;
  gint64 size = 0;
  int in_fd;
  int out_fd;
  gboolean ok = FALSE;

  in_fd = open (from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (in_fd < 0)
    return set_errno_error (error, from, _("cannot open"), errno);

  if (fstat (in_fd, &st) != 0)
    {
      set_errno_error (error, from, _("cannot read"), errno);
      close (in_fd);
      return FALSE;
    }

  out_fd = open (to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 0777);
  if (out_fd < 0)
    {
      set_errno_error (error, to, _("cannot create"), errno);
      close (in_fd);
      return FALSE;
    }

  buffer = g_malloc (COPY_CHUNK_SIZE);
  for (;;)
    {
      gssize n_read = read (in_fd, buffer, COPY_CHUNK_SIZE);

      if (n_read < 0 && errno == EINTR)
        continue;
      if (n_read < 0)
        {
          set_errno_error (error, from, _("cannot read"), errno);
          goto out;
        }
      if (n_read == 0)
        break;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !write_all (out_fd, buffer, n_read, to, error))
        goto out;

      g_checksum_update (checksum, (const guchar *) buffer, n_read);
      size += n_read;
    }

  if (fsync (out_fd) != 0)
    {
      set_errno_error (error, to, _("cannot sync"), errno);
      goto out;
    }

  ok = TRUE;

out:
  close (in_fd);
  if (close (out_fd) != 0 && ok)
    ok = set_errno_error (error, to, _("cannot write"), errno);
  if (!ok)
    {
      g_unlink (to);
      return FALSE;
    }

  if (sha256_out != NULL)
    *sha256_out = g_strdup (g_checksum_get_string (checksum));
  if (size_out != NULL)
    *size_out = size;

  return TRUE;
}

static char *
file_checksum (const char    *path,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *buffer = g_malloc (COPY_CHUNK_SIZE);
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    {
      set_errno_error (error, path, _("cannot open"), errno);
      return NULL;
    }

  for (;;)
    {
      gssize n_read = read (fd, buffer, COPY_CHUNK_SIZE);

      if (n_read < 0 && errno == EINTR)
        continue;
      if (n_read < 0)
        {
          set_errno_error (error, path, _("cannot read"), errno);
          close (fd);
          return NULL;
        }
      if (n_read == 0)
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return NULL;
        }

      g_checksum_update (checksum, (const guchar *) buffer, n_read);
    }

  close (fd);
  return g_strdup (g_checksum_get_string (checksum));
}

/* "X.godwit-tmp" and SQLite's "X.godwit-tmp-journal" (and -wal, -shm). */
static gboolean
is_work_file_name (const char *name)
{
  const char *found = g_strrstr (name, WORK_SUFFIX);

  if (found == NULL)
    return FALSE;

  found += strlen (WORK_SUFFIX);

  return *found == '\0' || g_str_equal (found, "-journal") ||
         g_str_equal (found, "-wal") || g_str_equal (found, "-shm");
}

/* Work folders hold plain files only. */
static void
remove_work_path (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return;

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_unlink (child) != 0)
            g_debug ("Could not remove %s: %s", child, g_strerror (errno));
        }

      if (g_rmdir (path) != 0)
        g_debug ("Could not remove %s: %s", path, g_strerror (errno));
    }
  else if (g_unlink (path) != 0)
    {
      g_debug ("Could not remove %s: %s", path, g_strerror (errno));
    }
}

/* Removes what a killed run left in @dir_path: work files whose name starts
 * with @prefix, except @keep (the caller's own file). */
static void
remove_leftovers (const char *dir_path,
                  const char *prefix,
                  const char *keep)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autofree char *keep_canonical = keep != NULL ? g_canonicalize_filename (keep, NULL) : NULL;
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_prefix (name, prefix) || !is_work_file_name (name))
        continue;

      path = g_build_filename (dir_path, name, NULL);
      if (keep_canonical != NULL)
        {
          g_autofree char *canonical = g_canonicalize_filename (path, NULL);

          if (g_str_equal (canonical, keep_canonical))
            continue;
        }

      g_debug ("Removing %s, left behind by an interrupted run", path);
      remove_work_path (path);
    }
}

static void
remove_store_leftovers (const char *store_path,
                        const char *keep)
{
  g_autofree char *dir = g_path_get_dirname (store_path);
  g_autofree char *base = g_path_get_basename (store_path);
  g_autofree char *prefix = g_strconcat (base, ".", NULL);

  remove_leftovers (dir, prefix, keep);
}

/* Copies the store as SQLite sees it, -wal content included, into the new
 * file @destination, through the read-only VFS. */
static gboolean
snapshot_to (const char    *store_path,
             const char    *destination,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(sqlite3) source = NULL;
  g_autoptr(sqlite3) target = NULL;
  sqlite3_backup *backup;
  int rc;

  _godwit_readonly_vfs_register ();

  rc = _godwit_sql_open (store_path, SQLITE_OPEN_READONLY, GODWIT_READONLY_VFS_NAME, &source);
  if (rc != SQLITE_OK)
    return set_sqlite_error (error, source, rc, store_path, _("cannot open"));

  /* One read transaction for the whole copy: a consistent state even if
   * the copy takes several steps. */
  rc = sqlite3_exec (source, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (error, source, rc, store_path, _("cannot read"));

  rc = _godwit_sql_open (destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL, &target);
  if (rc != SQLITE_OK)
    return set_sqlite_error (error, target, rc, destination, _("cannot create"));

  /* A work file needs no journal: it only counts once complete, synced
   * and renamed. The page copied over its first page keeps the
   * original's journal mode. */
  rc = sqlite3_exec (target, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (error, target, rc, destination, _("cannot write"));

  backup = sqlite3_backup_init (target, "main", source, "main");
  if (backup == NULL)
    return set_sqlite_error (error, target, sqlite3_errcode (target), destination, _("cannot copy"));

  do
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          sqlite3_backup_finish (backup);
          return !g_cancellable_set_error_if_cancelled (cancellable, error);
        }

      rc = sqlite3_backup_step (backup, SNAPSHOT_STEP_PAGES);
    }
  while (rc == SQLITE_OK);

  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, NULL, rc, store_path, _("cannot copy"));

  rc = sqlite3_close (g_steal_pointer (&target));
  if (rc != SQLITE_OK)
    return set_sqlite_error (error, NULL, rc, destination, _("cannot close"));

  return sync_path (destination, FALSE, error);
}

gboolean
godwit_store_snapshot (const char    *store_path,
                       const char    *destination,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *work = NULL;
  struct stat st;

  g_return_val_if_fail (store_path != NULL, FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_regular_file (store_path, &st, error))
    return FALSE;

  dir = g_path_get_dirname (destination);
  base = g_path_get_basename (destination);
  remove_leftovers (dir, base, NULL);

  /* A stray -wal beside the destination would be applied to the copy. */
  for (guint i = 0; i < N_FILE_ROLES; i++)
    {
      g_autofree char *path = g_strconcat (destination, role_suffixes[i], NULL);

      if (path_exists (path))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                       _("%s: already exists; a snapshot never overwrites a file"), path);
          return FALSE;
        }
    }

  work = g_strconcat (destination, WORK_SUFFIX, NULL);
  if (!snapshot_to (store_path, work, cancellable, error) ||
      !rename_no_replace (work, destination, error))
    {
      remove_work_path (work);
      return FALSE;
    }

  return sync_path (dir, TRUE, error);
}

char *
godwit_store_dup_backup_dir (const char *store_path)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (store_path != NULL, NULL);

  dir = g_path_get_dirname (store_path);
  base = g_path_get_basename (store_path);

  return g_strdup_printf ("%s" G_DIR_SEPARATOR_S "%s" BACKUPS_SUFFIX, dir, base);
}

/* ---- manifests -------------------------------------------------------- */

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
get_int_member (JsonObject *object,
                const char *name,
                gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
is_plain_file_name (const char *name)
{
  return name[0] != '\0' && strchr (name, '/') == NULL &&
         !g_str_equal (name, ".") && !g_str_equal (name, "..");
}

static gboolean
set_manifest_error (GError     **error,
                    const char  *path,
                    const char  *problem)
{
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE, "%s: %s", path, problem);
  return FALSE;
}

static gboolean
parse_manifest_file (BackupFile  **files,
                     JsonNode     *node,
                     const char   *path,
                     GError      **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *role;
  const char *name;
  const char *sha256;
  gint64 size = 0;
  guint index;

  if (object == NULL)
    return set_manifest_error (error, path, _("a file entry is not an object"));

  role = get_string_member (object, "role");
  name = get_string_member (object, "name");
  sha256 = get_string_member (object, "sha256");
  if (role == NULL || name == NULL || sha256 == NULL || !get_int_member (object, "size", &size) ||
      size < 0 || !is_plain_file_name (name) || strlen (sha256) != 64)
    return set_manifest_error (error, path, _("a file entry lacks a valid role, name, size or sha256"));

  for (index = 0; index < N_FILE_ROLES; index++)
    if (g_str_equal (role, role_names[index]))
      break;
  if (index == N_FILE_ROLES || files[index] != NULL)
    return set_manifest_error (error, path, _("unknown or repeated file role"));

  files[index] = g_new0 (BackupFile, 1);
  files[index]->name = g_strdup (name);
  files[index]->size = size;
  files[index]->sha256 = g_strdup (sha256);

  return TRUE;
}

/* Reads the file entries @entries into @files: a database
 * file (role "store") named @expected_name, and its -wal and -shm named
 * after it. */
static gboolean
parse_manifest_files (BackupFile  **files,
                      JsonArray    *entries,
                      const char   *expected_name,
                      const char   *path,
                      GError      **error)
{
  if (json_array_get_length (entries) > N_FILE_ROLES)
    return set_manifest_error (error, path, _("too many files"));
  for (guint i = 0; i < json_array_get_length (entries); i++)
    if (!parse_manifest_file (files, json_array_get_element (entries, i), path, error))
      return FALSE;

  if (files[FILE_ROLE_STORE] == NULL)
    return set_manifest_error (error, path, _("names no store file"));
  if (expected_name != NULL && !g_str_equal (files[FILE_ROLE_STORE]->name, expected_name))
    return set_manifest_error (error, path, _("the sync sidecar is not named after the store file"));

  /* SQLite finds the -wal and -shm by the database file's name. */
  for (guint i = FILE_ROLE_WAL; i < N_FILE_ROLES; i++)
    {
      g_autofree char *expected = g_strconcat (files[FILE_ROLE_STORE]->name, role_suffixes[i], NULL);

      if (files[i] != NULL && !g_str_equal (files[i]->name, expected))
        return set_manifest_error (error, path, _("a -wal or -shm is not named after its database file"));
    }

  return TRUE;
}

static Manifest *
read_manifest (const char  *backup_path,
               GError     **error)
{
  g_autofree char *path = g_build_filename (backup_path, MANIFEST_NAME, NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root_node = NULL;
  g_autoptr(Manifest) manifest = g_new0 (Manifest, 1);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *sidecar_name = NULL;
  JsonObject *root;
  JsonNode *sidecar;
  const char *created;
  const char *description;
  const char *store;
  gint64 format = 0;
  gsize length = 0;

  text = _godwit_file_read_bounded (path, _("a backup manifest"), MANIFEST_MAX_SIZE, &length, &local_error);
  if (text != NULL)
    root_node = _godwit_json_load_checked (text, length, path, _("a backup manifest"), MANIFEST_MAX_SIZE,
                                           MANIFEST_MAX_DEPTH, &local_error);
  if (root_node == NULL)
    {
      /* The messages name the manifest; whatever is wrong, the backup is
       * damaged. */
      g_set_error_literal (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE, local_error->message);
      return NULL;
    }
  root = json_node_get_object (root_node);

  created = get_string_member (root, "created");
  description = get_string_member (root, "description");
  store = get_string_member (root, "store");
  if (!get_int_member (root, "format", &format) || format != MANIFEST_FORMAT)
    return set_manifest_error (error, path, _("unknown manifest format")), NULL;
  if (created == NULL || description == NULL || store == NULL ||
      !json_object_has_member (root, "files") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "files")))
    return set_manifest_error (error, path, _("lacks created, description, store or files")), NULL;

  manifest->backup = g_new0 (GodwitStoreBackup, 1);
  manifest->backup->path = g_strdup (backup_path);
  manifest->backup->store_path = g_strdup (store);
  manifest->backup->description = g_strdup (description);
  manifest->backup->created = g_date_time_new_from_iso8601 (created, NULL);
  if (manifest->backup->created == NULL)
    return set_manifest_error (error, path, _("the creation time is not an ISO 8601 date")), NULL;

  if (!parse_manifest_files (manifest->files, json_object_get_array_member (root, "files"), NULL, path, error))
    return NULL;

  /* Optional: backups made before it have no sidecar copy. */
  sidecar = json_object_get_member (root, "sync_sidecar");
  if (sidecar != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (sidecar))
        return set_manifest_error (error, path, _("sync_sidecar is not an array of files")), NULL;
      sidecar_name = g_strconcat (manifest->files[FILE_ROLE_STORE]->name, GODWIT_SYNC_SIDECAR_SUFFIX, NULL);
      if (!parse_manifest_files (manifest->sidecar, json_node_get_array (sidecar), sidecar_name, path, error))
        return NULL;
    }

  for (guint i = 0; i < N_FILE_ROLES; i++)
    {
      if (manifest->files[i] != NULL)
        manifest->backup->size += manifest->files[i]->size;
      if (manifest->sidecar[i] != NULL)
        manifest->backup->size += manifest->sidecar[i]->size;
    }

  return g_steal_pointer (&manifest);
}

/* Checks that the backup's files are still those its manifest lists. */
static gboolean
verify_backup (Manifest      *manifest,
               GCancellable  *cancellable,
               GError       **error)
{
  for (guint i = 0; i < 2 * N_FILE_ROLES; i++)
    {
      BackupFile *file = i < N_FILE_ROLES ? manifest->files[i] : manifest->sidecar[i - N_FILE_ROLES];
      g_autofree char *path = NULL;
      g_autofree char *sha256 = NULL;

      if (file == NULL)
        continue;

      path = g_build_filename (manifest->backup->path, file->name, NULL);
      sha256 = file_checksum (path, cancellable, error);
      if (sha256 == NULL)
        return FALSE;

      if (file_size (path) != file->size || !g_str_equal (sha256, file->sha256))
        return set_manifest_error (error, path, _("differs from the backup's manifest: the backup is damaged"));
    }

  return TRUE;
}

/* ---- backups ---------------------------------------------------------- */

/* "20260301T123045.123456Z": sorts by time. */
static char *
backup_name (GDateTime *created)
{
  g_autofree char *seconds = g_date_time_format (created, "%Y%m%dT%H%M%S");

  return g_strdup_printf ("%s.%06dZ", seconds, g_date_time_get_microsecond (created));
}

/* Copies the database @database_path, and its -wal and -shm when there,
 * into the folder @work, adding their entries to @builder's array. */
static gboolean
copy_database_files (const char    *database_path,
                     const char    *work,
                     JsonBuilder   *builder,
                     gint64        *total,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *base = g_path_get_basename (database_path);

  for (guint i = 0; i < N_FILE_ROLES; i++)
    {
      g_autofree char *source = g_strconcat (database_path, role_suffixes[i], NULL);
      g_autofree char *name = g_strconcat (base, role_suffixes[i], NULL);
      g_autofree char *copy = g_build_filename (work, name, NULL);
      g_autofree char *sha256 = NULL;
      gint64 size = 0;

      if (i != FILE_ROLE_STORE && !path_exists (source))
        continue;

      if (!copy_file (source, copy, &sha256, &size, cancellable, error))
        return FALSE;
      *total += size;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, role_names[i]);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, size);
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, sha256);
      json_builder_end_object (builder);
    }

  return TRUE;
}

/* With @with_sidecar, the store's sync sidecar is copied too, when it
 * exists; the caller keeps it from being written meanwhile. */
static Manifest *
write_backup (const char    *store_path,
              const char    *backup_dir,
              const char    *description,
              gboolean       with_sidecar,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(Manifest) manifest = g_new0 (Manifest, 1);
  g_autoptr(GDateTime) created = g_date_time_new_now_utc ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *sidecar_path = _godwit_sync_sidecar_dup_path (store_path);
  g_autofree char *final_path = NULL;
  g_autofree char *work = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *created_text = NULL;
  gint64 total = 0;

  if (g_mkdir_with_parents (backup_dir, 0700) != 0)
    return set_errno_error (error, backup_dir, _("cannot create the backup folder"), errno), NULL;

  /* Two backups in the same microsecond get consecutive stamps. */
  for (;;)
    {
      g_autofree char *name = backup_name (created);
      GDateTime *next;

      g_free (final_path);
      g_free (work);
      final_path = g_build_filename (backup_dir, name, NULL);
      work = g_strconcat (final_path, WORK_SUFFIX, NULL);

      if (!path_exists (final_path) && g_mkdir (work, 0700) == 0)
        break;
      if (errno != EEXIST)
        return set_errno_error (error, work, _("cannot create"), errno), NULL;

      next = g_date_time_add (created, 1);
      g_date_time_unref (created);
      created = next;
    }

  created_text = g_date_time_format_iso8601 (created);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, MANIFEST_FORMAT);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created_text);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description != NULL ? description : "");
  json_builder_set_member_name (builder, "store");
  json_builder_add_string_value (builder, store_path);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  if (!copy_database_files (store_path, work, builder, &total, cancellable, error))
    {
      remove_work_path (work);
      return NULL;
    }
  json_builder_end_array (builder);

  if (with_sidecar && path_exists (sidecar_path))
    {
      json_builder_set_member_name (builder, "sync_sidecar");
      json_builder_begin_array (builder);
      if (!copy_database_files (sidecar_path, work, builder, &total, cancellable, error))
        {
          remove_work_path (work);
          return NULL;
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  manifest_path = g_build_filename (work, MANIFEST_NAME, NULL);

  if (!g_file_set_contents_full (manifest_path, text, -1, G_FILE_SET_CONTENTS_DURABLE, 0600, error) ||
      !sync_path (work, TRUE, error) ||
      !rename_no_replace (work, final_path, error))
    {
      remove_work_path (work);
      return NULL;
    }

  if (!sync_path (backup_dir, TRUE, error) || !sync_parent (backup_dir, error))
    return NULL;

  g_debug ("Backed up %s to %s (%" G_GINT64_FORMAT " bytes)", store_path, final_path, total);

  return read_manifest (final_path, error);
}

static int
compare_manifests_newest_first (gconstpointer a,
                                gconstpointer b)
{
  const GodwitStoreBackup *first = (*(Manifest * const *) a)->backup;
  const GodwitStoreBackup *second = (*(Manifest * const *) b)->backup;
  int order = g_date_time_compare (second->created, first->created);

  return order != 0 ? order : g_strcmp0 (second->path, first->path);
}

/* Backups of @store_path in @backup_dir, newest first: a folder counts when
 * its manifest is valid and names a store file of the same name. */
static GPtrArray *
list_manifests (const char  *store_path,
                const char  *backup_dir,
                GError     **error)
{
  g_autoptr(GPtrArray) manifests = g_ptr_array_new_with_free_func ((GDestroyNotify) manifest_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *store_base = g_path_get_basename (store_path);
  const char *name;

  dir = g_dir_open (backup_dir, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&manifests);

      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s", backup_dir, local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) manifest_error = NULL;
      Manifest *manifest;

      if (is_work_file_name (name))
        continue;

      path = g_build_filename (backup_dir, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;

      manifest = read_manifest (path, &manifest_error);
      if (manifest == NULL)
        {
          g_debug ("Not a backup: %s", manifest_error->message);
          continue;
        }

      if (!g_str_equal (manifest->files[FILE_ROLE_STORE]->name, store_base))
        {
          manifest_free (manifest);
          continue;
        }

      g_ptr_array_add (manifests, manifest);
    }

  g_ptr_array_sort (manifests, compare_manifests_newest_first);

  return g_steal_pointer (&manifests);
}

GPtrArray *
godwit_store_list_backups (const char  *store_path,
                           const char  *backup_dir,
                           GError     **error)
{
  g_autofree char *default_dir = NULL;
  g_autoptr(GPtrArray) manifests = NULL;
  GPtrArray *backups;

  g_return_val_if_fail (store_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (backup_dir == NULL)
    backup_dir = default_dir = godwit_store_dup_backup_dir (store_path);

  manifests = list_manifests (store_path, backup_dir, error);
  if (manifests == NULL)
    return NULL;

  backups = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_store_backup_free);
  for (guint i = 0; i < manifests->len; i++)
    {
      Manifest *manifest = g_ptr_array_index (manifests, i);

      g_ptr_array_add (backups, g_steal_pointer (&manifest->backup));
    }

  return backups;
}

/**
 * godwit_store_backup_create:
 * @store_path: the store
 * @backup_dir: (nullable): where backups go; %NULL for the store's own
 *   folder (godwit_store_dup_backup_dir())
 * @description: (nullable): what it is taken before, e.g. "before sync
 *   pull from https://example.com/db"
 * @backup_out: (out) (optional) (transfer full): the backup
 *
 * Backs up the store's files (the store, its -wal and -shm) byte for byte,
 * fsynced, as a new backup in @backup_dir, exactly as godwit_store_replace()
 * does before it replaces a store, and with them the store's sync sidecar
 * (Store.sqlite.godwit-sync, its -wal and -shm) when there is one; the
 * store itself is not touched. godwit_store_list_backups() lists it and
 * godwit_store_rollback() restores it, the sidecar with the store.
 *
 * The caller keeps writers out while the files are copied, so that they
 * hold one state: it holds the store's write lock, a transaction begun
 * with BEGIN IMMEDIATE on a connection to it that has written nothing yet
 * into the store, and the sidecar's exclusive lock (what the transaction
 * wrote into the sidecar is not committed, so its copy holds the last
 * committed state).
 *
 * Returns: %FALSE when the store is not a regular file or the backup
 *   cannot be written (%GODWIT_ERROR_IO, naming the path)
 */
gboolean
godwit_store_backup_create (const char          *store_path,
                            const char          *backup_dir,
                            const char          *description,
                            GodwitStoreBackup  **backup_out,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_autofree char *default_dir = NULL;
  g_autoptr(Manifest) manifest = NULL;
  struct stat st;

  g_return_val_if_fail (store_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (backup_out != NULL)
    *backup_out = NULL;
  if (backup_dir == NULL)
    backup_dir = default_dir = godwit_store_dup_backup_dir (store_path);

  if (!check_regular_file (store_path, &st, error))
    return FALSE;

  /* The store's write lock keeps any other backup of it from running. */
  remove_leftovers (backup_dir, "", NULL);
  manifest = write_backup (store_path, backup_dir, description, TRUE, cancellable, error);
  if (manifest == NULL)
    return FALSE;

  if (backup_out != NULL)
    *backup_out = g_steal_pointer (&manifest->backup);

  return TRUE;
}

/* ---- replacing -------------------------------------------------------- */

/* A connection that holds the store exclusively until it is closed; see
 * the top of the file. */
static sqlite3 *
lock_store (const char  *store_path,
            GError     **error)
{
  g_autoptr(sqlite3) db = NULL;
  int rc;

  rc = _godwit_sql_open (store_path, SQLITE_OPEN_READWRITE, NULL, &db);
  if (rc != SQLITE_OK)
    return set_sqlite_error (error, db, rc, store_path, _("cannot open")), NULL;

  sqlite3_extended_result_codes (db, TRUE);
  sqlite3_busy_timeout (db, 0);
  sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);

  rc = sqlite3_exec (db,
                     "PRAGMA locking_mode = EXCLUSIVE;"
                     "PRAGMA synchronous = FULL;"
                     "BEGIN EXCLUSIVE;"
                     "COMMIT",
                     NULL, NULL, NULL);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                   _("%s: the store is in use by another process"), store_path);
      return NULL;
    }
  if (rc != SQLITE_OK)
    return set_sqlite_error (error, db, rc, store_path, _("cannot lock")), NULL;

  return g_steal_pointer (&db);
}

/* Moves everything from the -wal into the store file, so that the store
 * file alone is the original. */
static gboolean
make_self_contained (sqlite3     *db,
                     const char  *store_path,
                     GError     **error)
{
  g_autofree char *wal = g_strconcat (store_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (store_path, "-shm", NULL);
  int rc;

  rc = sqlite3_wal_checkpoint_v2 (db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (error, db, rc, store_path, _("cannot checkpoint"));

  /* Never remove a -wal that still holds content. */
  if (file_size (wal) != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                   _("%s: still holds content after a checkpoint"), wal);
      return FALSE;
    }

  if (g_unlink (wal) != 0 && errno != ENOENT)
    return set_errno_error (error, wal, _("cannot remove"), errno);
  if (g_unlink (shm) != 0 && errno != ENOENT)
    return set_errno_error (error, shm, _("cannot remove"), errno);

  return TRUE;
}

/* Checks that @replacement is a single SQLite file that can stand alone. */
static gboolean
check_replacement (const char   *store_path,
                   const char   *replacement,
                   struct stat  *store_st,
                   GError      **error)
{
  g_autofree char *wal = g_strconcat (replacement, "-wal", NULL);
  g_autofree char *journal = g_strconcat (replacement, "-journal", NULL);
  g_autofree char *store_dir = g_path_get_dirname (store_path);
  g_autoptr(sqlite3) db = NULL;
  struct stat st;
  int rc;

  if (!check_regular_file (replacement, &st, error))
    return FALSE;

  if (st.st_dev == store_st->st_dev && st.st_ino == store_st->st_ino)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                   _("%s: is the store itself, not a replacement"), replacement);
      return FALSE;
    }

  if (st.st_dev != store_st->st_dev)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                   _("%s: must be on the same file system as %s"), replacement, store_dir);
      return FALSE;
    }

  if (file_size (wal) != 0 || file_size (journal) != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                   _("%s: has a -wal or -journal with content; a replacement must be a single checkpointed file"),
                   replacement);
      return FALSE;
    }

  _godwit_readonly_vfs_register ();
  rc = _godwit_sql_open (replacement, SQLITE_OPEN_READONLY, GODWIT_READONLY_VFS_NAME, &db);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (error, db, rc, replacement, _("cannot be read as a store"));

  return TRUE;
}

/* Copies the database @files of the backup @manifest, as SQLite sees it,
 * into the new file @destination. The backup itself stays as it is:
 * content in its -wal is read through the read-only VFS. */
static gboolean
copy_from_backup (Manifest      *manifest,
                  BackupFile   **files,
                  const char    *destination,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *source = g_build_filename (manifest->backup->path, files[FILE_ROLE_STORE]->name, NULL);
  gboolean ok;

  if (files[FILE_ROLE_WAL] != NULL && files[FILE_ROLE_WAL]->size > 0)
    ok = snapshot_to (source, destination, cancellable, error);
  else
    ok = copy_file (source, destination, NULL, NULL, cancellable, error);
  if (!ok)
    remove_work_path (destination);

  return ok;
}

/* Puts the sidecar of @restored in place of the store's own, or, when
 * @restored has none, removes the store's own: a sidecar of another state
 * than the store's would have the next sync push the difference as
 * changes, deletions on the server included, whereas a sync without a
 * sidecar starts afresh and deletes nothing. */
static gboolean
restore_sidecar (const char   *sidecar_path,
                 const char   *sidecar_work,
                 gboolean      had_sidecar,
                 GError      **error)
{
  if (sidecar_work == NULL)
    {
      if (had_sidecar && g_unlink (sidecar_path) != 0)
        return set_errno_error (error, sidecar_path, _("cannot remove"), errno);
      return TRUE;
    }

  /* A sidecar that appeared since the check belongs to a sync that has
   * just begun: never replaced under it. */
  if (!had_sidecar)
    return rename_no_replace (sidecar_work, sidecar_path, error);
  if (rename (sidecar_work, sidecar_path) != 0)
    return set_errno_error (error, sidecar_path, _("cannot replace"), errno);

  return TRUE;
}

/* lock_store() has SQLite create an empty -wal beside a store that had
 * none. A run that does not replace the store removes it again while it
 * still holds the lock, so that the store is left byte for byte as it was;
 * a -wal with content is never removed. */
static void
remove_lock_wal (const char *store_path,
                 gboolean    had_wal)
{
  g_autofree char *wal = g_strconcat (store_path, "-wal", NULL);

  if (!had_wal && path_exists (wal) && file_size (wal) == 0 && g_unlink (wal) != 0)
    g_debug ("Could not remove %s: %s", wal, g_strerror (errno));
}

/* @restored: (nullable): for a rollback, the backup put back, whose sync
 *   sidecar replaces the store's (see restore_sidecar()); the store's own
 *   sidecar is then kept in the new backup. %NULL leaves the sidecar
 *   alone.
 *
 * Fails only while the store is still the original: once the replacement
 * is renamed over it, a folder that cannot be synced is a warning, since
 * the store is then the replacement whatever the disk keeps of the rename,
 * and callers tell the user that a failed run left the original. */
static gboolean
replace_store (const char          *store_path,
               const char          *replacement,
               Manifest            *restored,
               const char          *backup_dir,
               const char          *description,
               GodwitStoreBackup  **backup_out,
               GCancellable        *cancellable,
               GError             **error)
{
  g_autoptr(sqlite3) db = NULL;
  g_autoptr(sqlite3) sidecar_db = NULL;
  g_autoptr(Manifest) manifest = NULL;
  g_autoptr(GError) sync_error = NULL;
  g_autofree char *store_dir = g_path_get_dirname (store_path);
  g_autofree char *replacement_dir = g_path_get_dirname (replacement);
  g_autofree char *store_wal = g_strconcat (store_path, "-wal", NULL);
  g_autofree char *sidecar_path = _godwit_sync_sidecar_dup_path (store_path);
  g_autofree char *sidecar_wal = g_strconcat (sidecar_path, "-wal", NULL);
  g_autofree char *sidecar_work = NULL;
  gboolean had_sidecar = FALSE;
  gboolean had_wal;
  gboolean had_sidecar_wal = FALSE;
  struct stat store_st;
  int rc;

  if (!check_regular_file (store_path, &store_st, error) ||
      !check_replacement (store_path, replacement, &store_st, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  had_wal = path_exists (store_wal);
  db = lock_store (store_path, error);
  if (db == NULL)
    return FALSE;

  /* A running sync holds its sidecar's lock from start to end. */
  if (restored != NULL && path_exists (sidecar_path))
    {
      had_sidecar = TRUE;
      had_sidecar_wal = path_exists (sidecar_wal);
      sidecar_db = lock_store (sidecar_path, error);
      if (sidecar_db == NULL)
        goto failed;
    }

  /* Holding the lock, no other Godwit run can be working on this store. */
  remove_store_leftovers (store_path, replacement);
  remove_leftovers (backup_dir, "", NULL);

  if (restored != NULL && restored->sidecar[FILE_ROLE_STORE] != NULL)
    {
      sidecar_work = g_strconcat (sidecar_path, ".rollback" WORK_SUFFIX, NULL);
      if (!copy_from_backup (restored, restored->sidecar, sidecar_work, cancellable, error))
        goto failed;
    }

  manifest = write_backup (store_path, backup_dir, description, restored != NULL, cancellable, error);
  if (manifest == NULL ||
      !make_self_contained (db, store_path, error) ||
      (sidecar_db != NULL && !make_self_contained (sidecar_db, sidecar_path, error)) ||
      !sync_path (replacement, FALSE, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    goto failed;

  /* The sidecar goes first: dying between the two renames leaves the
   * newer store with the older sidecar, whose next sync pushes the
   * difference as changes of its own and conflicts, never as deletions
   * of what the server holds. */
  if (restored != NULL && !restore_sidecar (sidecar_path, sidecar_work, had_sidecar, error))
    goto failed;

  if (rename (replacement, store_path) != 0)
    {
      set_errno_error (error, store_path, _("cannot replace"), errno);
      goto failed;
    }

  /* Kept open until now so that nobody could open the original between
   * the checkpoint and the rename and leave a -wal for the replacement. */
  rc = sqlite3_close (g_steal_pointer (&db));
  if (rc != SQLITE_OK)
    g_debug ("%s: closing the replaced store: %s", store_path, sqlite3_errstr (rc));
  if (sidecar_db != NULL)
    {
      rc = sqlite3_close (g_steal_pointer (&sidecar_db));
      if (rc != SQLITE_OK)
        g_debug ("%s: closing the replaced sidecar: %s", sidecar_path, sqlite3_errstr (rc));
    }

  if (!sync_path (store_dir, TRUE, &sync_error) ||
      (!g_str_equal (store_dir, replacement_dir) && !sync_path (replacement_dir, TRUE, &sync_error)))
    g_warning ("%s: replaced, but the folder may not keep the change after a system crash: %s",
               store_path, sync_error->message);

  if (backup_out != NULL)
    *backup_out = g_steal_pointer (&manifest->backup);

  return TRUE;

failed:
  if (sidecar_work != NULL)
    remove_work_path (sidecar_work);
  remove_lock_wal (store_path, had_wal);
  if (sidecar_db != NULL)
    remove_lock_wal (sidecar_path, had_sidecar_wal);

  return FALSE;
}

gboolean
godwit_store_replace (const char          *store_path,
                      const char          *replacement,
                      const char          *backup_dir,
                      const char          *description,
                      GodwitStoreBackup  **backup_out,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autofree char *default_dir = NULL;

  g_return_val_if_fail (store_path != NULL, FALSE);
  g_return_val_if_fail (replacement != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (backup_out != NULL)
    *backup_out = NULL;
  if (backup_dir == NULL)
    backup_dir = default_dir = godwit_store_dup_backup_dir (store_path);

  return replace_store (store_path, replacement, NULL, backup_dir, description, backup_out,
                        cancellable, error);
}

/**
 * godwit_store_rollback:
 * @store_path: the store
 * @backup_path: (nullable): the backup folder to put back; %NULL for the
 *   newest backup of the store in @backup_dir
 * @backup_dir: (nullable): where backups are; %NULL for the store's own
 *   folder (godwit_store_dup_backup_dir())
 *
 * Puts back the store as the backup holds it, after checking the backup
 * against its manifest; the state replaced is kept as a new backup. The
 * store's sync sidecar goes with it: the backup's copy replaces it, and
 * when the backup has none (a migration's, or an older one) the sidecar is
 * removed, kept only in the new backup, so that the next sync starts
 * afresh instead of taking the difference between the two states for
 * changes of the store.
 *
 * Returns: %FALSE when there is no backup, the backup is damaged, or the
 *   store or its sidecar is in use (%GODWIT_ERROR_IO naming the file)
 */
gboolean
godwit_store_rollback (const char    *store_path,
                       const char    *backup_path,
                       const char    *backup_dir,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *default_dir = NULL;
  g_autoptr(Manifest) manifest = NULL;
  g_autofree char *backup_base = NULL;
  g_autofree char *work = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (store_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (backup_dir == NULL)
    backup_dir = default_dir = godwit_store_dup_backup_dir (store_path);

  if (backup_path != NULL)
    {
      manifest = read_manifest (backup_path, error);
      if (manifest == NULL)
        return FALSE;
    }
  else
    {
      g_autoptr(GPtrArray) manifests = list_manifests (store_path, backup_dir, error);

      if (manifests == NULL)
        return FALSE;
      if (manifests->len == 0)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: holds no backup of %s"),
                       backup_dir, store_path);
          return FALSE;
        }
      manifest = g_ptr_array_steal_index (manifests, 0);
    }

  if (!verify_backup (manifest, cancellable, error))
    return FALSE;

  remove_store_leftovers (store_path, NULL);

  work = g_strconcat (store_path, ".rollback" WORK_SUFFIX, NULL);
  if (!copy_from_backup (manifest, manifest->files, work, cancellable, error))
    return FALSE;

  backup_base = g_path_get_basename (manifest->backup->path);
  description = g_strdup_printf (_("before rolling back to %s"), backup_base);
  if (!replace_store (store_path, work, manifest, backup_dir, description, NULL, cancellable, error))
    {
      remove_work_path (work);
      return FALSE;
    }

  return TRUE;
}

gboolean
godwit_store_prune_backups (const char  *store_path,
                            const char  *backup_dir,
                            guint        keep,
                            GError     **error)
{
  g_autofree char *default_dir = NULL;
  g_autoptr(GPtrArray) manifests = NULL;

  g_return_val_if_fail (store_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (backup_dir == NULL)
    backup_dir = default_dir = godwit_store_dup_backup_dir (store_path);

  manifests = list_manifests (store_path, backup_dir, error);
  if (manifests == NULL)
    return FALSE;
  if (manifests->len <= keep)
    return TRUE;

  for (guint i = keep; i < manifests->len; i++)
    {
      Manifest *manifest = g_ptr_array_index (manifests, i);
      g_autofree char *work = g_strconcat (manifest->backup->path, WORK_SUFFIX, NULL);

      /* Renamed first, so that an interrupted prune leaves a work folder
       * that the next call removes, never half a backup. */
      if (!rename_no_replace (manifest->backup->path, work, error))
        return FALSE;
      remove_work_path (work);
    }

  return sync_path (backup_dir, TRUE, error);
}
