/* godwit-test-utils.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <sys/wait.h>

#include "godwit-test-utils.h"

char *
godwit_test_fixture_path (const char *relative_path)
{
  const char *shared = g_getenv ("GODWIT_SHARED_DIR");
  g_autofree char *path = NULL;

  if (shared == NULL)
    {
      g_test_skip ("GODWIT_SHARED_DIR is not set");
      return NULL;
    }

  path = g_build_filename (shared, "fixtures", "coredata", relative_path, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = g_strdup_printf ("%s is absent", path);

      g_test_skip (message);
      return NULL;
    }

  return g_steal_pointer (&path);
}

char *
godwit_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("godwit-test-XXXXXX", &error);

  g_assert_no_error (error);

  return path;
}

void
godwit_test_rmdir (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          godwit_test_rmdir (child);
        else
          g_unlink (child);
      }

  g_rmdir (path);
}

void
godwit_test_copy_file (const char *from,
                       const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) destination = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  g_file_copy (source, destination, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* Fixtures are read-only in ../shared; copies must be writable. */
  g_chmod (to, 0644);
}

char *
godwit_test_file_checksum (const char *path)
{
  g_autoptr(GMappedFile) mapped = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;

  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL)
    return NULL;

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                      (const guchar *) g_mapped_file_get_contents (mapped),
                                      g_mapped_file_get_length (mapped));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

char *
godwit_test_list_directory (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));

  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);

  return g_strjoinv ("\n", (char **) names->pdata);
}

int
godwit_test_run (const char * const  *argv,
                 char               **out,
                 char               **err)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);

  if (WIFEXITED (status))
    return WEXITSTATUS (status);

  return 128 + WTERMSIG (status);
}

const char *
godwit_test_cli_path (void)
{
  const char *cli = g_getenv ("GODWIT_CLI");

  g_assert_nonnull (cli);

  return cli;
}
