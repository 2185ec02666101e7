/* godwit-test-utils.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <string.h>
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

void
godwit_test_write_file (const char *path,
                        const void *data,
                        gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

void
godwit_test_copy_store (const char *from,
                        const char *to)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (from, suffixes[i], NULL);
      g_autofree char *side_copy = g_strconcat (to, suffixes[i], NULL);

      if (g_file_test (side, G_FILE_TEST_EXISTS))
        godwit_test_copy_file (side, side_copy);
    }
}

void
godwit_test_copy_tree (const char *from,
                       const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (from, 0, &error);
  const char *name;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (to, 0700), ==, 0);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *source = g_build_filename (from, name, NULL);
      g_autofree char *destination = g_build_filename (to, name, NULL);

      if (g_file_test (source, G_FILE_TEST_IS_DIR))
        godwit_test_copy_tree (source, destination);
      else
        godwit_test_copy_file (source, destination);
    }
}

void
godwit_test_copy_first_half (const char *from,
                             const char *to)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_file_get_contents (from, &data, &length, &error);
  g_assert_no_error (error);
  godwit_test_write_file (to, data, length / 2);
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

int
godwit_test_compare_strings (gconstpointer a,
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

  g_ptr_array_sort (names, godwit_test_compare_strings);
  g_ptr_array_add (names, NULL);

  return g_strjoinv ("\n", (char **) names->pdata);
}

char *
godwit_test_snapshot_directory (const char *path)
{
  g_autofree char *listing = godwit_test_list_directory (path);
  g_auto(GStrv) names = g_strsplit (listing, "\n", -1);
  GString *snapshot = g_string_new (listing);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *child = g_build_filename (path, names[i], NULL);
      g_autofree char *sum = godwit_test_file_checksum (child);

      g_string_append_printf (snapshot, "\n%s %s", names[i], sum != NULL ? sum : "-");
    }

  return g_string_free (snapshot, FALSE);
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

static int
run_cli_valist (char       **out,
                char       **err,
                const char  *first,
                va_list      args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) godwit_test_cli_path ());
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  return godwit_test_run ((const char * const *) argv->pdata, out, err);
}

int
godwit_test_run_cli (char       **out,
                     char       **err,
                     const char  *first,
                     ...)
{
  va_list args;
  int status;

  va_start (args, first);
  status = run_cli_valist (out, err, first, args);
  va_end (args);

  return status;
}

char *
godwit_test_cli_help (const char *command)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (godwit_test_run_cli (&out, &err, command, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--json"));

  return g_steal_pointer (&out);
}

char *
godwit_test_cli_usage_error (const char *command,
                             ...)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;
  int status;

  va_start (args, command);
  status = run_cli_valist (&out, &err, command, args);
  va_end (args);

  g_assert_cmpint (status, ==, 2);
  g_assert_true (g_str_has_prefix (err, "godwit-cli: "));

  return g_steal_pointer (&err);
}

JsonNode *
godwit_test_parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));

  return json_node_copy (json_parser_get_root (parser));
}

GPtrArray *
godwit_test_parse_json_lines (const char *text)
{
  g_autoptr(GPtrArray) objects = NULL;
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;

      if (lines[i][0] == '\0')
        {
          /* Only the end of the text may be empty. */
          g_assert_null (lines[i + 1]);
          continue;
        }

      node = godwit_test_parse_json (lines[i]);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      g_ptr_array_add (objects, json_object_ref (json_node_get_object (node)));
    }

  return g_steal_pointer (&objects);
}

static JsonNode *
typed_member (JsonObject   *object,
              const char   *name,
              JsonNodeType  type)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_cmpint (JSON_NODE_TYPE (node), ==, type);

  return node;
}

JsonObject *
godwit_test_object_member (JsonObject *object,
                           const char *name)
{
  return json_node_get_object (typed_member (object, name, JSON_NODE_OBJECT));
}

JsonArray *
godwit_test_array_member (JsonObject *object,
                          const char *name)
{
  return json_node_get_array (typed_member (object, name, JSON_NODE_ARRAY));
}

JsonNode *
godwit_test_oracle (const char *command,
                    const char *path)
{
  const char *script = g_getenv ("GODWIT_ORACLE");
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (script == NULL || python == NULL || !g_file_test (script, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the oracle (GODWIT_ORACLE, python3) is not available");
      return NULL;
    }

  {
    const char *argv[] = { python, script, command, path, NULL };

    g_assert_cmpint (godwit_test_run (argv, &out, &err), ==, 0);
  }

  return godwit_test_parse_json (out);
}
