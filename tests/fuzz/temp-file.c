/* temp-file.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-fuzz"

#include "config.h"

#include <glib/gstdio.h>

#include "temp-file.h"

/* Writes @data as @name in a new temporary folder, for the parsers that
 * read a path; returns the file's path, or aborts: a fuzz target cannot
 * go on without it. */
char *
fuzz_write_temp_file (const guint8 *data,
                      gsize         size,
                      const char   *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  dir = g_dir_make_tmp ("godwit-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

/* Removes the file and the folder fuzz_write_temp_file() made. */
void
fuzz_remove_temp_file (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}
