/* godwit-file.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Bounded reading of the files Godwit is given (models, plans, property
 * lists, manifests): a folder, a device or a file over the size limit is
 * refused before anything is read, and a file that grows while it is read
 * is refused too.
 */

#define G_LOG_DOMAIN "godwit-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "godwit-file-private.h"

#define READ_CHUNK_SIZE (64 * 1024)

static void
set_errno_error (GError     **error,
                 const char  *path,
                 int          saved_errno)
{
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s", path, g_strerror (saved_errno));
}

/**
 * _godwit_file_set_too_large_error:
 * @max_size: the largest file read, in bytes
 *
 * Sets @error to “PATH: larger than 16 MiB”, %GODWIT_ERROR_LIMIT_EXCEEDED.
 */
void
_godwit_file_set_too_large_error (GError     **error,
                                  const char  *path,
                                  gsize        max_size)
{
  if (max_size % (1024 * 1024) == 0)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                 _("%s: larger than %zu MiB"), path, max_size / (1024 * 1024));
  else
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                 _("%s: larger than %zu KiB"), path, max_size / 1024);
}

/**
 * _godwit_file_open_bounded:
 * @path: a file
 * @file_kind: what @path should be, for the message when it is not a
 *   regular file: “a migration plan file”
 * @max_size: the largest file read, in bytes
 *
 * Opens @path for reading, refusing a folder, a device and a file over
 * @max_size.
 *
 * Returns: the file descriptor, or -1 with @error set (%GODWIT_ERROR_IO,
 *   %GODWIT_ERROR_WRONG_FILE_TYPE or %GODWIT_ERROR_LIMIT_EXCEEDED)
 */
int
_godwit_file_open_bounded (const char  *path,
                           const char  *file_kind,
                           gsize        max_size,
                           GError     **error)
{
  GStatBuf st;
  int fd;

  g_return_val_if_fail (path != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (g_stat (path, &st) != 0)
    {
      set_errno_error (error, path, errno);
      return -1;
    }

  if (!S_ISREG (st.st_mode))
    {
      if (S_ISDIR (st.st_mode))
        /* Translators: the second %s is what the file should be, e.g. “a migration plan file” */
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_WRONG_FILE_TYPE, _("%s: is a folder, not %s"), path,
                     file_kind);
      else
        /* Translators: the second %s is what the file should be, e.g. “a migration plan file” */
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_WRONG_FILE_TYPE, _("%s: is not a regular file, not %s"),
                     path, file_kind);
      return -1;
    }

  if ((guint64) st.st_size > max_size)
    {
      _godwit_file_set_too_large_error (error, path, max_size);
      return -1;
    }

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    set_errno_error (error, path, errno);

  return fd;
}

/**
 * _godwit_file_read_bounded:
 * @length: (out): the length of the contents
 *
 * Reads @path whole, as _godwit_file_open_bounded() opens it.
 *
 * Returns: (transfer full): the contents, NUL-terminated, or %NULL with
 *   @error set
 */
char *
_godwit_file_read_bounded (const char  *path,
                           const char  *file_kind,
                           gsize        max_size,
                           gsize       *length,
                           GError     **error)
{
  g_autofree char *buffer = NULL;
  g_autoptr(GByteArray) contents = NULL;
  GStatBuf st;
  int fd = _godwit_file_open_bounded (path, file_kind, max_size, error);

  if (fd < 0)
    return NULL;

  /* Room for what the file holds now, and the NUL. */
  contents = g_byte_array_sized_new (fstat (fd, &st) == 0 ? MIN ((gsize) st.st_size, max_size) + 1 : 0);
  buffer = g_malloc (READ_CHUNK_SIZE);
  for (;;)
    {
      gssize n = read (fd, buffer, READ_CHUNK_SIZE);
      int saved_errno = errno;

      if (n < 0 && saved_errno == EINTR)
        continue;

      if (n < 0)
        {
          set_errno_error (error, path, saved_errno);
          g_close (fd, NULL);
          return NULL;
        }

      if (n == 0)
        break;

      /* The size was checked before; this catches a file that grows. */
      if (contents->len + n > max_size)
        {
          _godwit_file_set_too_large_error (error, path, max_size);
          g_close (fd, NULL);
          return NULL;
        }
      g_byte_array_append (contents, (const guint8 *) buffer, n);
    }
  g_close (fd, NULL);

  *length = contents->len;
  g_byte_array_append (contents, (const guint8 *) "", 1);

  return (char *) g_byte_array_free (g_steal_pointer (&contents), FALSE);
}
