/* godwit-readonly-vfs.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Inspecting a store must not change a byte of it, its -wal or its -shm,
 * nor create or remove files beside it, and must still see content that is
 * only in the WAL. A plain read-only connection breaks all three promises:
 * readers write read marks into the -shm, and SQLite creates a missing -wal
 * or -shm. This VFS wraps the default one:
 *
 * - the database, -wal and -journal are opened read-only; a missing -wal
 *   reads as an empty file instead of being created;
 * - the wal-index lives in private memory, so SQLite rebuilds it from the
 *   -wal (its "recovery") and never touches the real -shm;
 * - shared OFD locks on the real -shm's reader slots keep a concurrent
 *   writer from backfilling or restarting the WAL while we read, which is
 *   what a reader's read mark would normally guarantee;
 * - nothing of the store is ever written, truncated or deleted; only
 *   SQLite's own temporary files (sorts, temp tables) are written, as the
 *   default VFS writes them.
 *
 * The connection therefore sees the store as it was at open time.
 */

#define _GNU_SOURCE  /* F_OFD_SETLK */
#define G_LOG_DOMAIN "godwit-readonly-vfs"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "godwit-readonly-vfs-private.h"

/* The unix VFS keeps its shm locks at byte 120 + slot of the -shm file;
 * slots 3 to 7 are the WAL readers' (WAL_READ_LOCK(0..4)). */
#define SHM_LOCK_BASE   120
#define SHM_READ_FIRST  3
#define SHM_READ_COUNT  5

typedef struct
{
  sqlite3_file   base;
  sqlite3_file  *real;          /* NULL for a file that does not exist */
  gboolean       is_main_db;
  char          *shm_path;
  int            shm_fd;        /* the real -shm, only for locks, or -1 */
  void         **regions;
  int            n_regions;
} ReadonlyFile;

static sqlite3_vfs *default_vfs;

static int
ro_close (sqlite3_file *file)
{
  ReadonlyFile *self = (ReadonlyFile *) file;
  int rc = SQLITE_OK;

  if (self->real != NULL && self->real->pMethods != NULL)
    rc = self->real->pMethods->xClose (self->real);

  if (self->shm_fd >= 0)
    close (self->shm_fd);

  for (int i = 0; i < self->n_regions; i++)
    sqlite3_free (self->regions[i]);
  sqlite3_free (self->regions);
  sqlite3_free (self->shm_path);

  return rc;
}

static int
ro_read (sqlite3_file *file,
         void         *buffer,
         int           amount,
         sqlite3_int64 offset)
{
  ReadonlyFile *self = (ReadonlyFile *) file;

  if (self->real != NULL)
    return self->real->pMethods->xRead (self->real, buffer, amount, offset);

  memset (buffer, 0, amount);
  return SQLITE_IOERR_SHORT_READ;
}

static int
ro_write (sqlite3_file *file,
          const void   *buffer,
          int           amount,
          sqlite3_int64 offset)
{
  return SQLITE_READONLY;
}

static int
ro_truncate (sqlite3_file *file,
             sqlite3_int64 size)
{
  return SQLITE_READONLY;
}

static int
ro_sync (sqlite3_file *file,
         int           flags)
{
  return SQLITE_OK;
}

static int
ro_file_size (sqlite3_file  *file,
              sqlite3_int64 *size)
{
  ReadonlyFile *self = (ReadonlyFile *) file;

  if (self->real != NULL)
    return self->real->pMethods->xFileSize (self->real, size);

  *size = 0;
  return SQLITE_OK;
}

static int
ro_lock (sqlite3_file *file,
         int           level)
{
  ReadonlyFile *self = (ReadonlyFile *) file;

  if (level > SQLITE_LOCK_SHARED)
    return SQLITE_READONLY;

  if (self->real != NULL)
    return self->real->pMethods->xLock (self->real, level);

  return SQLITE_OK;
}

static int
ro_unlock (sqlite3_file *file,
           int           level)
{
  ReadonlyFile *self = (ReadonlyFile *) file;

  if (self->real != NULL)
    return self->real->pMethods->xUnlock (self->real, level);

  return SQLITE_OK;
}

static int
ro_check_reserved_lock (sqlite3_file *file,
                        int          *reserved)
{
  ReadonlyFile *self = (ReadonlyFile *) file;

  if (self->real != NULL)
    return self->real->pMethods->xCheckReservedLock (self->real, reserved);

  *reserved = 0;
  return SQLITE_OK;
}

static int
ro_file_control (sqlite3_file *file,
                 int           op,
                 void         *arg)
{
  ReadonlyFile *self = (ReadonlyFile *) file;

  /* Never let SQLite switch to shared-memory-less exclusive locking or
   * persist anything about the WAL. */
  if (op == SQLITE_FCNTL_PERSIST_WAL || op == SQLITE_FCNTL_POWERSAFE_OVERWRITE)
    return SQLITE_NOTFOUND;

  if (self->real != NULL)
    return self->real->pMethods->xFileControl (self->real, op, arg);

  return SQLITE_NOTFOUND;
}

static int
ro_sector_size (sqlite3_file *file)
{
  ReadonlyFile *self = (ReadonlyFile *) file;

  if (self->real != NULL)
    return self->real->pMethods->xSectorSize (self->real);

  return 4096;
}

static int
ro_device_characteristics (sqlite3_file *file)
{
  ReadonlyFile *self = (ReadonlyFile *) file;

  if (self->real != NULL)
    return self->real->pMethods->xDeviceCharacteristics (self->real);

  return 0;
}

/* Shared OFD locks belong to this file description only: closing it never
 * drops the POSIX locks another connection of this process holds. */
static void
lock_real_shm_readers (ReadonlyFile *self)
{
  struct flock lock = { 0 };

  if (self->shm_fd >= 0 || self->shm_path == NULL)
    return;

  self->shm_fd = open (self->shm_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (self->shm_fd < 0)
    return;

  lock.l_type = F_RDLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = SHM_LOCK_BASE + SHM_READ_FIRST;
  lock.l_len = SHM_READ_COUNT;
  lock.l_pid = 0;

  /* If a writer holds a reader slot exclusively right now it is in the
   * middle of a checkpoint; reading still works, with the same exposure
   * sqlite3 itself has when it cannot take a read mark. */
  if (fcntl (self->shm_fd, F_OFD_SETLK, &lock) != 0)
    g_debug ("Could not lock the reader slots of %s: %s", self->shm_path, g_strerror (errno));
}

static int
ro_shm_map (sqlite3_file  *file,
            int            region,
            int            region_size,
            int            extend,
            void volatile **pointer)
{
  ReadonlyFile *self = (ReadonlyFile *) file;

  lock_real_shm_readers (self);

  if (region >= self->n_regions)
    {
      void **regions;

      if (!extend)
        {
          *pointer = NULL;
          return SQLITE_OK;
        }

      regions = sqlite3_realloc64 (self->regions, sizeof (void *) * (region + 1));
      if (regions == NULL)
        return SQLITE_NOMEM;
      self->regions = regions;

      while (self->n_regions <= region)
        {
          void *memory = sqlite3_malloc64 (region_size);

          if (memory == NULL)
            return SQLITE_NOMEM;
          memset (memory, 0, region_size);
          self->regions[self->n_regions++] = memory;
        }
    }

  *pointer = self->regions[region];
  return SQLITE_OK;
}

/* One connection owns the private wal-index: every lock is granted. */
static int
ro_shm_lock (sqlite3_file *file,
             int           offset,
             int           n,
             int           flags)
{
  return SQLITE_OK;
}

static void
ro_shm_barrier (sqlite3_file *file)
{
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
}

static int
ro_shm_unmap (sqlite3_file *file,
              int           delete_flag)
{
  return SQLITE_OK;
}

static int
ro_fetch (sqlite3_file  *file,
          sqlite3_int64  offset,
          int            amount,
          void         **pointer)
{
  *pointer = NULL;
  return SQLITE_OK;
}

static int
ro_unfetch (sqlite3_file  *file,
            sqlite3_int64  offset,
            void          *pointer)
{
  return SQLITE_OK;
}

static const sqlite3_io_methods readonly_io_methods = {
  3,
  ro_close,
  ro_read,
  ro_write,
  ro_truncate,
  ro_sync,
  ro_file_size,
  ro_lock,
  ro_unlock,
  ro_check_reserved_lock,
  ro_file_control,
  ro_sector_size,
  ro_device_characteristics,
  ro_shm_map,
  ro_shm_lock,
  ro_shm_barrier,
  ro_shm_unmap,
  ro_fetch,
  ro_unfetch,
};

static int
ro_open (sqlite3_vfs  *vfs,
         const char   *name,
         sqlite3_file *file,
         int           flags,
         int          *out_flags)
{
  ReadonlyFile *self = (ReadonlyFile *) file;
  const int store_files = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL |
                          SQLITE_OPEN_SUPER_JOURNAL;
  int exists = 0;
  int rc;

  /* SQLite's temporary files (temp database and its journal, statement
   * journals, sorter spills, transient tables) are its own: private,
   * removed on close, in the temporary directory. They are the
   * default VFS's files, its methods included, so that they can be
   * written; @file is large enough for them. */
  if (name == NULL || (flags & store_files) == 0)
    return default_vfs->xOpen (default_vfs, name, file, flags, out_flags);

  memset (self, 0, sizeof *self);
  self->shm_fd = -1;
  self->real = (sqlite3_file *) &self[1];

  self->is_main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;

  if (!self->is_main_db)
    {
      rc = default_vfs->xAccess (default_vfs, name, SQLITE_ACCESS_EXISTS, &exists);
      if (rc != SQLITE_OK)
        return rc;
      if (!exists)
        {
          self->real = NULL;
          self->base.pMethods = &readonly_io_methods;
          if (out_flags != NULL)
            *out_flags = SQLITE_OPEN_READONLY;
          return SQLITE_OK;
        }
    }

  flags &= ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_DELETEONCLOSE | SQLITE_OPEN_EXCLUSIVE);
  flags |= SQLITE_OPEN_READONLY;

  rc = default_vfs->xOpen (default_vfs, name, self->real, flags, out_flags);
  if (rc != SQLITE_OK)
    {
      if (self->real->pMethods != NULL)
        self->real->pMethods->xClose (self->real);
      self->real = NULL;
      return rc;
    }

  if (self->is_main_db)
    self->shm_path = sqlite3_mprintf ("%s-shm", name);

  self->base.pMethods = &readonly_io_methods;
  return SQLITE_OK;
}

static int
ro_delete (sqlite3_vfs *vfs,
           const char  *name,
           int          sync_dir)
{
  /* Nothing beside a store is ever removed while inspecting it. */
  return SQLITE_OK;
}

static int
ro_access (sqlite3_vfs *vfs,
           const char  *name,
           int          flags,
           int         *result)
{
  return default_vfs->xAccess (default_vfs, name, flags, result);
}

static int
ro_full_pathname (sqlite3_vfs *vfs,
                  const char  *name,
                  int          n_out,
                  char        *out)
{
  return default_vfs->xFullPathname (default_vfs, name, n_out, out);
}

static void *
ro_dl_open (sqlite3_vfs *vfs,
            const char  *name)
{
  return NULL;
}

static void
ro_dl_error (sqlite3_vfs *vfs,
             int          n,
             char        *message)
{
  g_strlcpy (message, _("extensions are not loaded by Godwit"), n);
}

static void (*
ro_dl_sym (sqlite3_vfs *vfs,
           void        *handle,
           const char  *symbol)) (void)
{
  return NULL;
}

static void
ro_dl_close (sqlite3_vfs *vfs,
             void        *handle)
{
}

static int
ro_randomness (sqlite3_vfs *vfs,
               int          n,
               char        *out)
{
  return default_vfs->xRandomness (default_vfs, n, out);
}

static int
ro_sleep (sqlite3_vfs *vfs,
          int          microseconds)
{
  return default_vfs->xSleep (default_vfs, microseconds);
}

static int
ro_current_time (sqlite3_vfs *vfs,
                 double      *now)
{
  return default_vfs->xCurrentTime (default_vfs, now);
}

static int
ro_get_last_error (sqlite3_vfs *vfs,
                   int          n,
                   char        *message)
{
  return default_vfs->xGetLastError (default_vfs, n, message);
}

static int
ro_current_time_int64 (sqlite3_vfs   *vfs,
                       sqlite3_int64 *now)
{
  return default_vfs->xCurrentTimeInt64 (default_vfs, now);
}

static sqlite3_vfs readonly_vfs = {
  2,
  0,
  0,
  NULL,
  GODWIT_READONLY_VFS_NAME,
  NULL,
  ro_open,
  ro_delete,
  ro_access,
  ro_full_pathname,
  ro_dl_open,
  ro_dl_error,
  ro_dl_sym,
  ro_dl_close,
  ro_randomness,
  ro_sleep,
  ro_current_time,
  ro_get_last_error,
  ro_current_time_int64,
};

void
_godwit_readonly_vfs_register (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      default_vfs = sqlite3_vfs_find (NULL);
      g_assert (default_vfs != NULL);

      readonly_vfs.szOsFile = sizeof (ReadonlyFile) + default_vfs->szOsFile;
      readonly_vfs.mxPathname = default_vfs->mxPathname;
      sqlite3_vfs_register (&readonly_vfs, 0);

      g_once_init_leave (&initialized, 1);
    }
}
