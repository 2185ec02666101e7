/* test-store-backup.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "godwit-error.h"
#include "godwit-store-backup.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#define KILL_POINTS 70

/* ---- stores ----------------------------------------------------------- */

/* Item 1 carries the marker as its name; the others carry a payload that
 * makes the store as big as wanted. */
static char *
write_items_store (const char *dir,
                   const char *name,
                   const char *marker,
                   guint       n_items,
                   gsize       payload_size,
                   gboolean    keep_wal)
{
  g_autoptr(GodwitModel) model = godwit_model_new ("Items 1", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *item = godwit_test_add_entity (model, "Item", NULL);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree guint8 *payload = g_malloc (payload_size);
  char *path = g_build_filename (dir, name, NULL);

  godwit_test_add_attribute (item, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (item, "payload", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_resolve_model (model);

  writer = godwit_test_writer_new (model, path);
  godwit_store_writer_set_keep_wal (writer, keep_wal);
  godwit_test_writer_begin (writer);

  godwit_test_insert (writer, "Item", "name", g_variant_new_string (marker), NULL);
  for (guint i = 1; i < n_items; i++)
    {
      for (gsize j = 0; j < payload_size; j++)
        payload[j] = (guint8) (i * 31 + j * 7);
      godwit_test_insert (writer, "Item",
                          "payload", godwit_test_bytes_value (payload, payload_size),
                          NULL);
    }

  godwit_test_writer_commit (writer);

  return path;
}

static char *
sidecar (const char *path,
         const char *suffix)
{
  return g_strconcat (path, suffix, NULL);
}

/* "<marker> <count>" of a single-file store, read without its -wal. */
static char *
read_content (const char *path)
{
  g_autofree char *wal = sidecar (path, "-wal");
  sqlite3 *db;
  g_autofree char *marker = NULL;
  g_autofree char *integrity = NULL;
  gint64 count;

  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  db = godwit_test_open_read_only (path, TRUE);
  integrity = godwit_test_query (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  marker = godwit_test_query (db, "SELECT ZNAME FROM ZITEM WHERE Z_PK = 1");
  count = godwit_test_query_int (db, "SELECT count(*) FROM ZITEM");
  sqlite3_close (db);

  return g_strdup_printf ("%s %" G_GINT64_FORMAT, marker, count);
}

/* The same, through a normal connection, as an app opens the store. */
static char *
read_content_as_app (const char *path)
{
  sqlite3 *db = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *integrity = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  integrity = godwit_test_query (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  marker = godwit_test_query (db, "SELECT ZNAME FROM ZITEM WHERE Z_PK = 1");
  count = godwit_test_query_int (db, "SELECT count(*) FROM ZITEM");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  return g_strdup_printf ("%s %" G_GINT64_FORMAT, marker, count);
}

static void
assert_no_work_files (const char *dir)
{
  g_autofree char *listing = godwit_test_list_directory (dir);

  g_assert_null (strstr (listing, ".godwit-tmp"));
}

static JsonObject *
read_manifest (GodwitStoreBackup *backup,
               JsonNode         **root_out)
{
  g_autofree char *path = g_build_filename (backup->path, "manifest.json", NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  *root_out = godwit_test_parse_json (text);

  return json_node_get_object (*root_out);
}

/* ---- snapshot --------------------------------------------------------- */

static void
test_snapshot_wal (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_items_store (dir, "Wal.sqlite", "wal", 20, 100, TRUE);
  g_autofree char *wal = sidecar (store, "-wal");
  g_autofree char *shm = sidecar (store, "-shm");
  g_autofree char *copy = g_build_filename (dir, "Copy.sqlite", NULL);
  g_autofree char *copy_wal = sidecar (copy, "-wal");
  g_autofree char *stale = g_build_filename (dir, "Copy.sqlite.godwit-tmp", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *content = NULL;
  g_autofree char *header = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  /* Everything is only in the -wal: the store file alone has no ZITEM. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (shm, G_FILE_TEST_EXISTS));
  {
    sqlite3 *db = godwit_test_open_read_only (store, TRUE);
    g_autofree char *tables = godwit_test_query (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'ZITEM'");

    g_assert_cmpstr (tables, ==, "0");
    sqlite3_close (db);
  }

  godwit_test_write_file (stale, "left by a killed run", -1);
  before = godwit_test_snapshot_directory (dir);

  g_assert_true (godwit_store_snapshot (store, copy, NULL, &error));
  g_assert_no_error (error);

  /* The original's three files are byte-identical; the leftover is gone. */
  after = godwit_test_snapshot_directory (dir);
  {
    g_auto(GStrv) lines = g_strsplit (before, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++)
      if (g_str_has_prefix (lines[i], "Wal.sqlite"))
        g_assert_nonnull (strstr (after, lines[i]));
  }
  g_assert_null (strstr (after, ".godwit-tmp"));
  g_assert_false (g_file_test (copy_wal, G_FILE_TEST_EXISTS));

  content = read_content (copy);
  g_assert_cmpstr (content, ==, "wal 20");

  /* Bytes 18 and 19: still a WAL-mode store. */
  g_assert_true (g_file_get_contents (copy, &header, &length, NULL));
  g_assert_cmpuint (length, >, 100);
  g_assert_cmpint (header[18], ==, 2);
  g_assert_cmpint (header[19], ==, 2);

  /* Never overwrites. */
  g_assert_false (godwit_store_snapshot (store, copy, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, copy));
  g_clear_error (&error);

  /* A missing store is named. */
  {
    g_autofree char *missing = g_build_filename (dir, "Missing.sqlite", NULL);
    g_autofree char *other = g_build_filename (dir, "Other.sqlite", NULL);

    g_assert_false (godwit_store_snapshot (missing, other, NULL, &error));
    g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
    g_assert_nonnull (strstr (error->message, missing));
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }

  godwit_test_rmdir (dir);
}

/* ---- replace ---------------------------------------------------------- */

static void
test_replace (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_items_store (dir, "Notes.sqlite", "original", 30, 200, TRUE);
  g_autofree char *replacement = write_items_store (dir, "Notes.new", "replacement", 3, 10, FALSE);
  g_autofree char *default_dir = godwit_store_dup_backup_dir (store);
  g_autofree char *expected_dir = g_build_filename (dir, "Notes.sqlite.godwit-backups", NULL);
  const char *suffixes[] = { "", "-wal", "-shm" };
  const char *roles[] = { "store", "wal", "shm" };
  char *sums[3];
  gint64 sizes[3];
  gint64 total = 0;
  g_autoptr(GodwitStoreBackup) backup = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *content = NULL;
  JsonObject *manifest;
  JsonArray *files;

  g_assert_cmpstr (default_dir, ==, expected_dir);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = sidecar (store, suffixes[i]);
      struct stat st;

      sums[i] = godwit_test_file_checksum (path);
      g_assert_nonnull (sums[i]);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      sizes[i] = st.st_size;
      total += st.st_size;
    }

  g_assert_true (godwit_store_replace (store, replacement, NULL, "before migrating to “Model 2”",
                                       &backup, NULL, &error));
  g_assert_no_error (error);

  content = read_content (store);
  g_assert_cmpstr (content, ==, "replacement 3");
  g_assert_false (g_file_test (replacement, G_FILE_TEST_EXISTS));
  {
    g_autofree char *shm = sidecar (store, "-shm");

    g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  }

  g_assert_nonnull (backup);
  g_assert_true (g_str_has_prefix (backup->path, expected_dir));
  g_assert_cmpstr (backup->store_path, ==, store);
  g_assert_cmpstr (backup->description, ==, "before migrating to “Model 2”");
  g_assert_cmpint (backup->size, ==, total);
  g_assert_nonnull (backup->created);

  /* The backup is the original, byte for byte, -wal and -shm included. */
  manifest = read_manifest (backup, &root);
  g_assert_cmpstr (json_object_get_string_member (manifest, "description"), ==,
                   "before migrating to “Model 2”");
  files = godwit_test_array_member (manifest, "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      g_autofree char *name = g_strconcat ("Notes.sqlite", suffixes[i], NULL);
      g_autofree char *copy = g_build_filename (backup->path, name, NULL);
      g_autofree char *sum = godwit_test_file_checksum (copy);

      g_assert_cmpstr (json_object_get_string_member (file, "role"), ==, roles[i]);
      g_assert_cmpstr (json_object_get_string_member (file, "name"), ==, name);
      g_assert_cmpint (json_object_get_int_member (file, "size"), ==, sizes[i]);
      g_assert_cmpstr (json_object_get_string_member (file, "sha256"), ==, sums[i]);
      g_assert_cmpstr (sum, ==, sums[i]);
      g_free (sums[i]);
    }

  backups = godwit_store_list_backups (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 1);
  g_assert_cmpstr (((GodwitStoreBackup *) g_ptr_array_index (backups, 0))->path, ==, backup->path);

  assert_no_work_files (dir);
  godwit_test_rmdir (dir);
}

static void
test_replacement_missing (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_items_store (dir, "Notes.sqlite", "original", 5, 10, TRUE);
  g_autofree char *missing = g_build_filename (dir, "Notes.new", NULL);
  g_autofree char *not_sqlite = g_build_filename (dir, "Notes.text", NULL);
  g_autofree char *backups = godwit_store_dup_backup_dir (store);
  g_autofree char *before = godwit_test_snapshot_directory (dir);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (godwit_store_replace (store, missing, NULL, "x", NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  after = godwit_test_snapshot_directory (dir);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (g_file_test (backups, G_FILE_TEST_EXISTS));

  godwit_test_write_file (not_sqlite, "this is not a database, just some text to fill a page", -1);
  g_clear_pointer (&before, g_free);
  before = godwit_test_snapshot_directory (dir);
  g_assert_false (godwit_store_replace (store, not_sqlite, NULL, "x", NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_NOT_SQLITE);
  g_assert_nonnull (strstr (error->message, not_sqlite));
  g_clear_pointer (&after, g_free);
  after = godwit_test_snapshot_directory (dir);
  g_assert_cmpstr (after, ==, before);

  godwit_test_rmdir (dir);
}

static void
test_in_use (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_items_store (dir, "Notes.sqlite", "original", 5, 10, TRUE);
  g_autofree char *replacement = write_items_store (dir, "Notes.new", "replacement", 2, 10, FALSE);
  g_autofree char *backups = godwit_store_dup_backup_dir (store);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *content = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *other = NULL;
  gint64 count;

  /* Another connection, in the middle of a read transaction. */
  g_assert_cmpint (sqlite3_open_v2 (store, &other, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  count = godwit_test_query_int (other, "SELECT count(*) FROM ZITEM");
  g_assert_cmpint (count, ==, 5);
  before = godwit_test_snapshot_directory (dir);

  g_assert_false (godwit_store_replace (store, replacement, NULL, "x", NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, store));
  g_assert_nonnull (strstr (error->message, "in use"));
  g_clear_error (&error);

  after = godwit_test_snapshot_directory (dir);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (g_file_test (backups, G_FILE_TEST_EXISTS));

  /* Open but idle still counts: an app keeps its store open. */
  g_assert_cmpint (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (godwit_store_replace (store, replacement, NULL, "x", NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "in use"));
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_close (other), ==, SQLITE_OK);
  g_assert_true (godwit_store_replace (store, replacement, NULL, "x", NULL, NULL, &error));
  g_assert_no_error (error);
  content = read_content (store);
  g_assert_cmpstr (content, ==, "replacement 2");

  godwit_test_rmdir (dir);
}

/* ---- list, rollback, prune -------------------------------------------- */

static void
test_rollback_and_prune (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *backup_dir = g_build_filename (dir, "Backups", NULL);
  /* Without WAL content, so that a rollback restores the very bytes. */
  g_autofree char *store = write_items_store (dir, "Notes.sqlite", "original", 12, 50, FALSE);
  g_autofree char *first = write_items_store (dir, "Notes.first", "first", 4, 10, FALSE);
  g_autofree char *second = write_items_store (dir, "Notes.second", "second", 6, 10, FALSE);
  g_autofree char *original_sum = godwit_test_file_checksum (store);
  g_autofree char *second_sum = godwit_test_file_checksum (second);
  g_autofree char *sum = NULL;
  g_autofree char *content = NULL;
  g_autofree char *expected_description = NULL;
  g_autofree char *stale = NULL;
  g_autofree char *oldest_path = NULL;
  g_autofree char *oldest_name = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;
  GodwitStoreBackup *newest;
  GodwitStoreBackup *oldest;

  /* Nothing yet. */
  backups = godwit_store_list_backups (store, backup_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 0);
  g_clear_pointer (&backups, g_ptr_array_unref);
  g_assert_false (godwit_store_rollback (store, NULL, backup_dir, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, backup_dir));
  g_clear_error (&error);

  g_assert_true (godwit_store_replace (store, first, backup_dir, "one", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (godwit_store_replace (store, second, backup_dir, "two", NULL, NULL, &error));
  g_assert_no_error (error);

  backups = godwit_store_list_backups (store, backup_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 2);
  newest = g_ptr_array_index (backups, 0);
  oldest = g_ptr_array_index (backups, 1);
  g_assert_cmpstr (newest->description, ==, "two");
  g_assert_cmpstr (oldest->description, ==, "one");
  g_assert_cmpint (g_date_time_compare (newest->created, oldest->created), >, 0);
  oldest_path = g_strdup (oldest->path);
  oldest_name = g_path_get_basename (oldest->path);
  g_clear_pointer (&backups, g_ptr_array_unref);

  /* A killed rollback's work file is removed by the next one. */
  stale = g_build_filename (dir, "Notes.sqlite.rollback.godwit-tmp", NULL);
  godwit_test_write_file (stale, "half a store", -1);

  g_assert_true (godwit_store_rollback (store, oldest_path, backup_dir, NULL, &error));
  g_assert_no_error (error);
  sum = godwit_test_file_checksum (store);
  g_assert_cmpstr (sum, ==, original_sum);
  content = read_content (store);
  g_assert_cmpstr (content, ==, "original 12");
  assert_no_work_files (dir);

  /* The store rolled back from was itself backed up first. */
  backups = godwit_store_list_backups (store, backup_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 3);
  expected_description = g_strdup_printf ("before rolling back to %s", oldest_name);
  g_assert_cmpstr (((GodwitStoreBackup *) g_ptr_array_index (backups, 0))->description, ==,
                   expected_description);
  g_clear_pointer (&backups, g_ptr_array_unref);

  /* The newest backup holds "second": rolling back to it undoes the rollback. */
  g_assert_true (godwit_store_rollback (store, NULL, backup_dir, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&content, g_free);
  content = read_content (store);
  g_assert_cmpstr (content, ==, "second 6");

  backups = godwit_store_list_backups (store, backup_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 4);
  g_clear_pointer (&backups, g_ptr_array_unref);

  /* Prune keeps the newest two, and only on request. */
  g_assert_true (godwit_store_prune_backups (store, backup_dir, 2, &error));
  g_assert_no_error (error);
  backups = godwit_store_list_backups (store, backup_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 2);
  g_assert_false (g_file_test (oldest_path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&sum, g_free);
  {
    GodwitStoreBackup *kept_newer = g_ptr_array_index (backups, 0);
    GodwitStoreBackup *kept_older = g_ptr_array_index (backups, 1);
    g_autofree char *newer_store = g_build_filename (kept_newer->path, "Notes.sqlite", NULL);
    g_autofree char *older_store = g_build_filename (kept_older->path, "Notes.sqlite", NULL);
    g_autofree char *newer_sum = godwit_test_file_checksum (newer_store);

    /* Taken before the second rollback (of the restored original) and
     * before the first (of "second"). */
    sum = godwit_test_file_checksum (older_store);
    g_assert_cmpstr (sum, ==, second_sum);
    g_assert_cmpstr (newer_sum, ==, original_sum);
  }
  assert_no_work_files (backup_dir);

  /* A damaged backup is refused, and the store stays as it is. */
  {
    GodwitStoreBackup *damaged = g_ptr_array_index (backups, 0);
    g_autofree char *damaged_store = g_build_filename (damaged->path, "Notes.sqlite", NULL);
    g_autofree char *before = godwit_test_file_checksum (store);
    g_autofree char *after = NULL;
    FILE *file = fopen (damaged_store, "r+b");

    g_assert_nonnull (file);
    fseek (file, 200, SEEK_SET);
    fputc ('!', file);
    fclose (file);

    g_assert_false (godwit_store_rollback (store, damaged->path, backup_dir, NULL, &error));
    g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE);
    g_assert_nonnull (strstr (error->message, damaged_store));
    g_clear_error (&error);
    after = godwit_test_file_checksum (store);
    g_assert_cmpstr (after, ==, before);
  }

  godwit_test_rmdir (dir);
}

static void
test_rollback_wal (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_items_store (dir, "Notes.sqlite", "original", 25, 300, TRUE);
  g_autofree char *replacement = write_items_store (dir, "Notes.new", "replacement", 2, 10, FALSE);
  g_autofree char *content = NULL;
  g_autoptr(GodwitStoreBackup) backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup_wal = NULL;
  g_autofree char *wal_sum = NULL;
  g_autofree char *wal_sum_after = NULL;

  g_assert_true (godwit_store_replace (store, replacement, NULL, "x", &backup, NULL, &error));
  g_assert_no_error (error);
  backup_wal = g_build_filename (backup->path, "Notes.sqlite-wal", NULL);
  wal_sum = godwit_test_file_checksum (backup_wal);
  g_assert_nonnull (wal_sum);

  g_assert_true (godwit_store_rollback (store, backup->path, NULL, NULL, &error));
  g_assert_no_error (error);
  content = read_content (store);
  g_assert_cmpstr (content, ==, "original 25");

  /* Reading the backup's -wal did not change it. */
  wal_sum_after = godwit_test_file_checksum (backup_wal);
  g_assert_cmpstr (wal_sum_after, ==, wal_sum);
  assert_no_work_files (dir);

  godwit_test_rmdir (dir);
}

/* The value kept in the stand-in sync sidecar of @store. */
static char *
read_sidecar_value (const char *store)
{
  g_autofree char *path = sidecar (store, ".godwit-sync");
  sqlite3 *db = godwit_test_open_read_only (path, FALSE);
  char *value = godwit_test_query (db, "SELECT v FROM t");

  sqlite3_close (db);

  return value;
}

/* A connection to the stand-in sidecar as a sync holds it: WAL, exclusive,
 * with committed content in its -wal. */
static sqlite3 *
open_sidecar (const char *store,
              const char *value)
{
  g_autofree char *path = sidecar (store, ".godwit-sync");
  g_autofree char *sql = g_strdup_printf ("PRAGMA journal_mode = WAL;"
                                          "PRAGMA locking_mode = EXCLUSIVE;"
                                          "CREATE TABLE IF NOT EXISTS t (v TEXT);"
                                          "DELETE FROM t;"
                                          "INSERT INTO t VALUES ('%s')", value);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);

  return db;
}

/* A backup taken for a sync holds the store's sync sidecar as its last
 * transaction left it, and a rollback puts it back with the store; the
 * sidecar it replaces goes into the new backup. A rollback is refused
 * while a sync holds the sidecar. */
static void
test_rollback_sidecar (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_items_store (dir, "Notes.sqlite", "original", 3, 10, FALSE);
  g_autofree char *sidecar_path = sidecar (store, ".godwit-sync");
  g_autofree char *sidecar_wal = sidecar (store, ".godwit-sync-wal");
  g_autofree char *content = NULL;
  g_autofree char *value = NULL;
  g_autoptr(GodwitStoreBackup) backup = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *files;
  GStatBuf st;
  sqlite3 *db;

  db = open_sidecar (store, "before");
  g_assert_cmpint (g_stat (sidecar_wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);
  /* What the sync's open transaction wrote is not part of the backup. */
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE; UPDATE t SET v = 'uncommitted'", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_true (godwit_store_backup_create (store, NULL, "before sync pull", &backup, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);

  files = json_object_get_array_member (read_manifest (backup, &root), "sync_sidecar");
  g_assert_nonnull (files);
  g_assert_cmpuint (json_array_get_length (files), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 0), "name"),
                   ==, "Notes.sqlite.godwit-sync");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 1), "name"),
                   ==, "Notes.sqlite.godwit-sync-wal");

  /* The sync writes into both. */
  g_assert_cmpint (sqlite3_exec (db, "UPDATE t SET v = 'after'", NULL, NULL, NULL), ==, SQLITE_OK);
  godwit_test_execute_sql (store, "UPDATE ZITEM SET ZNAME = 'pulled' WHERE Z_PK = 1", NULL);

  g_assert_false (godwit_store_rollback (store, backup->path, NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, sidecar_path));
  g_clear_error (&error);
  content = read_content_as_app (store);
  g_assert_cmpstr (content, ==, "pulled 3");
  g_clear_pointer (&content, g_free);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  g_assert_true (godwit_store_rollback (store, backup->path, NULL, NULL, &error));
  g_assert_no_error (error);
  content = read_content (store);
  g_assert_cmpstr (content, ==, "original 3");
  g_assert_false (g_file_test (sidecar_wal, G_FILE_TEST_EXISTS));
  value = read_sidecar_value (store);
  g_assert_cmpstr (value, ==, "before");
  assert_no_work_files (dir);

  /* The rollback's own backup holds the sidecar it replaced. */
  backups = godwit_store_list_backups (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 2);
  g_assert_true (godwit_store_rollback (store, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&content, g_free);
  content = read_content (store);
  g_assert_cmpstr (content, ==, "pulled 3");
  g_clear_pointer (&value, g_free);
  value = read_sidecar_value (store);
  g_assert_cmpstr (value, ==, "after");

  godwit_test_rmdir (dir);
}

/* A manifest from before sync sidecars were backed up, without
 * "sync_sidecar", restores the store as before; a sidecar beside the store
 * then belongs to another state and is moved into the rollback's own
 * backup, so that the next sync starts afresh. */
static void
test_rollback_without_sidecar (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_items_store (dir, "Notes.sqlite", "original", 3, 10, FALSE);
  g_autofree char *replacement = write_items_store (dir, "Notes.new", "replacement", 2, 10, FALSE);
  g_autofree char *sidecar_path = sidecar (store, ".godwit-sync");
  g_autofree char *content = NULL;
  g_autofree char *value = NULL;
  g_autoptr(GodwitStoreBackup) backup = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *manifest;
  sqlite3 *db;

  g_assert_true (godwit_store_backup_create (store, NULL, "before sync pull", &backup, NULL, &error));
  g_assert_no_error (error);
  manifest = read_manifest (backup, &root);
  g_assert_false (json_object_has_member (manifest, "sync_sidecar"));
  /* Exactly the members an older Godwit wrote. */
  g_assert_cmpuint (json_object_get_size (manifest), ==, 5);

  g_assert_true (godwit_store_replace (store, replacement, NULL, "x", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (godwit_store_rollback (store, backup->path, NULL, NULL, &error));
  g_assert_no_error (error);
  content = read_content (store);
  g_assert_cmpstr (content, ==, "original 3");
  g_assert_false (g_file_test (sidecar_path, G_FILE_TEST_EXISTS));

  /* A sidecar made since. */
  db = open_sidecar (store, "since");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  godwit_test_execute_sql (store, "UPDATE ZITEM SET ZNAME = 'changed' WHERE Z_PK = 1", NULL);

  g_assert_true (godwit_store_rollback (store, backup->path, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&content, g_free);
  content = read_content (store);
  g_assert_cmpstr (content, ==, "original 3");
  g_assert_false (g_file_test (sidecar_path, G_FILE_TEST_EXISTS));
  assert_no_work_files (dir);

  /* Undoing that rollback brings the sidecar back. */
  g_assert_true (godwit_store_rollback (store, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&content, g_free);
  content = read_content (store);
  g_assert_cmpstr (content, ==, "changed 3");
  value = read_sidecar_value (store);
  g_assert_cmpstr (value, ==, "since");

  godwit_test_rmdir (dir);
}

/* A manifest nested deeper than any manifest is a damaged backup: it is
 * refused naming the file, before json-glib's recursive parser could
 * exhaust the stack on it, and the backup is not listed. */
static void
test_manifest_nested (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_items_store (dir, "Notes.sqlite", "original", 3, 10, FALSE);
  g_autofree char *replacement = write_items_store (dir, "Notes.new", "replacement", 2, 10, FALSE);
  g_autofree char *manifest = NULL;
  g_autofree char *content = NULL;
  g_autoptr(GodwitStoreBackup) backup = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GString) nested = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (godwit_store_replace (store, replacement, NULL, "x", &backup, NULL, &error));
  g_assert_no_error (error);

  /* Within the size limit of a manifest, 64 KiB. */
  for (guint i = 0; i < 32000; i++)
    g_string_append_c (nested, '[');
  for (guint i = 0; i < 32000; i++)
    g_string_append_c (nested, ']');
  manifest = g_build_filename (backup->path, "manifest.json", NULL);
  godwit_test_write_file (manifest, nested->str, nested->len);

  g_assert_false (godwit_store_rollback (store, backup->path, NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE);
  g_assert_true (g_str_has_prefix (error->message, manifest));
  g_assert_nonnull (strstr (error->message, "nested more than"));
  g_clear_error (&error);
  content = read_content (store);
  g_assert_cmpstr (content, ==, "replacement 2");

  backups = godwit_store_list_backups (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 0);

  godwit_test_rmdir (dir);
}

/* ---- real stores ------------------------------------------------------ */

static void
test_fixtures (void)
{
  const char *fixtures[] = {
    "apple-devices/NoteStore.sqlite",
    "apple-devices/kik.sqlite",
    "wibosco-revised/stores/CoreDataMigration_Example_3.sqlite",
  };

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *fixture = godwit_test_fixture_path (fixtures[i]);
      g_autofree char *dir = NULL;
      g_autofree char *store = NULL;
      g_autofree char *copy = NULL;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *actual = NULL;
      g_autoptr(GError) error = NULL;
      const char *count_sql = "SELECT group_concat(Z_NAME || '=' || Z_MAX) FROM Z_PRIMARYKEY";
      sqlite3 *db;

      if (fixture == NULL)
        return;

      dir = godwit_test_make_tmpdir ();
      store = g_build_filename (dir, "Fixture.sqlite", NULL);
      copy = g_build_filename (dir, "Snapshot.sqlite", NULL);
      godwit_test_copy_store (fixture, store);

      before = godwit_test_snapshot_directory (dir);
      g_assert_true (godwit_store_snapshot (store, copy, NULL, &error));
      g_assert_no_error (error);

      /* The snapshot has what SQLite itself sees in the original. */
      db = godwit_test_open_read_only (fixture, FALSE);
      expected = godwit_test_query (db, count_sql);
      sqlite3_close (db);
      db = godwit_test_open_read_only (copy, TRUE);
      actual = godwit_test_query (db, count_sql);
      g_assert_cmpstr (actual, ==, expected);
      g_clear_pointer (&actual, g_free);
      actual = godwit_test_query (db, "PRAGMA integrity_check");
      g_assert_cmpstr (actual, ==, "ok");
      sqlite3_close (db);

      /* Replacing the store by its own snapshot, then rolling back. */
      g_assert_true (godwit_store_replace (store, copy, NULL, "fixture", NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (godwit_store_rollback (store, NULL, NULL, NULL, &error));
      g_assert_no_error (error);

      db = godwit_test_open_read_only (store, TRUE);
      g_clear_pointer (&actual, g_free);
      actual = godwit_test_query (db, count_sql);
      g_assert_cmpstr (actual, ==, expected);
      sqlite3_close (db);

      after = godwit_test_list_directory (dir);
      g_assert_cmpstr (after, ==, "Fixture.sqlite\nFixture.sqlite.godwit-backups");

      godwit_test_rmdir (dir);
    }
}

/* ---- the kill test ---------------------------------------------------- */

typedef struct
{
  char *dir;
  char *store;
  char *replacement;
  char *backup_dir;
} KillRun;

static void
kill_run_prepare (KillRun    *run,
                  const char *original,
                  const char *replacement)
{
  godwit_test_rmdir (run->dir);
  g_assert_cmpint (g_mkdir (run->dir, 0700), ==, 0);
  godwit_test_copy_store (original, run->store);
  godwit_test_copy_file (replacement, run->replacement);
}

/* Runs a replace in a child and SIGKILLs it after @delay µs (-1: lets it
 * finish); returns its wait status. */
static int
run_replace_child (KillRun *run,
                   gint64   delay)
{
  int status = 0;
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      gboolean ok = godwit_store_replace (run->store, run->replacement, NULL, "kill", NULL, NULL, NULL);

      _exit (ok ? 0 : 1);
    }

  if (delay >= 0)
    {
      if (delay > 0)
        g_usleep (delay);
      kill (pid, SIGKILL);
    }

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);

  return status;
}

static void
test_kill (void)
{
  g_autofree char *templates = godwit_test_make_tmpdir ();
  g_autofree char *original = write_items_store (templates, "Kill.sqlite", "original", 200, 8192, TRUE);
  g_autofree char *replacement = write_items_store (templates, "Kill.new", "replacement", 5, 10, FALSE);
  g_autofree char *second = write_items_store (templates, "Kill.second", "second", 7, 10, FALSE);
  g_autofree char *original_sum = godwit_test_file_checksum (original);
  g_autofree char *original_wal = sidecar (original, "-wal");
  g_autofree char *original_wal_sum = godwit_test_file_checksum (original_wal);
  g_autofree char *second_copy = NULL;
  KillRun run = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 duration;
  guint n_original = 0, n_replacement = 0, n_killed = 0;

  run.dir = g_build_filename (templates, "run", NULL);
  run.store = g_build_filename (run.dir, "Kill.sqlite", NULL);
  run.replacement = g_build_filename (run.dir, "Kill.new", NULL);
  run.backup_dir = g_build_filename (run.dir, "Kill.sqlite.godwit-backups", NULL);
  second_copy = g_build_filename (run.dir, "Kill.second", NULL);

  /* How long a whole replace takes here, in a child as below. */
  duration = 0;
  for (guint i = 0; i < 3; i++)
    {
      gint64 start;

      kill_run_prepare (&run, original, replacement);
      start = g_get_monotonic_time ();
      g_assert_cmpint (run_replace_child (&run, -1), ==, 0);
      duration = MAX (duration, g_get_monotonic_time () - start);
    }
  g_test_message ("A replace takes %" G_GINT64_FORMAT " us", duration);

  for (guint i = 0; i < KILL_POINTS; i++)
    {
      /* From 0 to a little past the end. */
      gint64 delay = duration * 3 / 2 * i / (KILL_POINTS - 1);
      g_autofree char *content = NULL;
      g_autoptr(GPtrArray) backups = NULL;
      int status;

      kill_run_prepare (&run, original, replacement);

      status = run_replace_child (&run, delay);
      if (WIFSIGNALED (status))
        n_killed++;
      else
        g_assert_cmpint (WEXITSTATUS (status), ==, 0);

      /* Every backup a killed run completed is the original's bytes. */
      backups = godwit_store_list_backups (run.store, NULL, &error);
      g_assert_no_error (error);
      for (guint j = 0; j < backups->len; j++)
        {
          GodwitStoreBackup *backup = g_ptr_array_index (backups, j);
          g_autofree char *main_copy = g_build_filename (backup->path, "Kill.sqlite", NULL);
          g_autofree char *wal_copy = g_build_filename (backup->path, "Kill.sqlite-wal", NULL);
          g_autofree char *main_sum = godwit_test_file_checksum (main_copy);
          g_autofree char *wal_sum = godwit_test_file_checksum (wal_copy);

          g_assert_cmpstr (main_sum, ==, original_sum);
          g_assert_cmpstr (wal_sum, ==, original_wal_sum);
        }

      /* The store opens as an app opens it, whole: the original or the
       * replacement, never a mix. */
      content = read_content_as_app (run.store);
      if (g_str_equal (content, "original 200"))
        n_original++;
      else if (g_str_equal (content, "replacement 5"))
        n_replacement++;
      else
        g_error ("kill point %u (%" G_GINT64_FORMAT " us): store holds “%s”", i, delay, content);

      /* The next replace removes what the killed one left. */
      godwit_test_copy_file (second, second_copy);
      g_assert_true (godwit_store_replace (run.store, second_copy, NULL, "next", NULL, NULL, &error));
      g_assert_no_error (error);
      g_clear_pointer (&content, g_free);
      content = read_content (run.store);
      g_assert_cmpstr (content, ==, "second 7");
      assert_no_work_files (run.dir);
      assert_no_work_files (run.backup_dir);
    }

  g_test_message ("%u kill points: %u killed, store held the original %u times, the replacement %u times",
                  KILL_POINTS, n_killed, n_original, n_replacement);
  g_assert_cmpuint (n_original, >, 0);
  g_assert_cmpuint (n_replacement, >, 0);
  g_assert_cmpuint (n_killed, >=, KILL_POINTS / 4);

  g_free (run.dir);
  g_free (run.store);
  g_free (run.replacement);
  g_free (run.backup_dir);
  godwit_test_rmdir (templates);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store-backup/snapshot-wal", test_snapshot_wal);
  g_test_add_func ("/store-backup/replace", test_replace);
  g_test_add_func ("/store-backup/replacement-missing", test_replacement_missing);
  g_test_add_func ("/store-backup/in-use", test_in_use);
  g_test_add_func ("/store-backup/rollback-and-prune", test_rollback_and_prune);
  g_test_add_func ("/store-backup/rollback-wal", test_rollback_wal);
  g_test_add_func ("/store-backup/rollback-sidecar", test_rollback_sidecar);
  g_test_add_func ("/store-backup/rollback-without-sidecar", test_rollback_without_sidecar);
  g_test_add_func ("/store-backup/manifest-nested", test_manifest_nested);
  g_test_add_func ("/store-backup/fixtures", test_fixtures);
  g_test_add_func ("/store-backup/kill", test_kill);

  return g_test_run ();
}
