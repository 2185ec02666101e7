/* godwit-test-store.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdarg.h>

#include "godwit-model-archive-private.h"
#include "godwit-store-layout.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"
#include "godwit-value.h"

GodwitStoreWriter *
godwit_test_writer_new (GodwitModel *model,
                        const char  *path)
{
  g_autoptr(GError) error = NULL;
  GodwitStoreWriter *writer = godwit_store_writer_new (model, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (writer);

  return writer;
}

void
godwit_test_writer_begin (GodwitStoreWriter *writer)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (godwit_store_writer_begin (writer, &error));
  g_assert_no_error (error);
}

void
godwit_test_writer_commit (GodwitStoreWriter *writer)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (godwit_store_writer_commit (writer, &error));
  g_assert_no_error (error);
}

gint64
godwit_test_insert (GodwitStoreWriter *writer,
                    const char        *entity,
                    ...)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *name;
  va_list args;
  gint64 pk;

  va_start (args, entity);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      g_ptr_array_add (names, (gpointer) name);
      g_ptr_array_add (values, va_arg (args, GVariant *));
    }
  va_end (args);

  pk = godwit_store_writer_insert (writer, entity, (const char * const *) names->pdata,
                                   (GVariant * const *) values->pdata, names->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pk, >, 0);

  return pk;
}

void
godwit_test_relate (GodwitStoreWriter *writer,
                    const char        *entity,
                    gint64             pk,
                    const char        *relationship,
                    const char        *destination,
                    gint64             destination_pk)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (godwit_store_writer_relate (writer, entity, pk, relationship,
                                             destination, destination_pk, &error));
  g_assert_no_error (error);
}

void
godwit_test_write_garden (GodwitStoreWriter *writer,
                          const char        *version,
                          gboolean           bare)
{
  const char *name = g_str_equal (version, "Garden") ? "name" : "commonName";
  gint64 bed, ann, bob, tomato, basil, oak;

  bed = godwit_test_insert (writer, "Bed", "name", g_variant_new_string ("South"),
                            "sunny", g_variant_new_boolean (TRUE), NULL);
  ann = godwit_test_insert (writer, "Gardener", "name", g_variant_new_string ("Ann"), NULL);
  bob = godwit_test_insert (writer, "Gardener", "name", g_variant_new_string ("Bob"), NULL);
  tomato = godwit_test_insert (writer, "Plant", name, g_variant_new_string ("Tomato"),
                               "notes", g_variant_new_string ("  water daily "),
                               "planted", g_variant_new_double (100.0), NULL);
  basil = godwit_test_insert (writer, "Plant", name, g_variant_new_string ("Basil"),
                              "notes", g_variant_new_string ("   "),
                              "planted", g_variant_new_double (200.0), NULL);
  if (bare)
    godwit_test_insert (writer, "Plant", name, g_variant_new_string ("Mint"), NULL);
  oak = godwit_test_insert (writer, "Tree", name, g_variant_new_string ("Oak"),
                            "notes", g_variant_new_string ("old tree"),
                            "planted", g_variant_new_double (300.0),
                            "height", g_variant_new_double (12.5), NULL);
  if (bare)
    godwit_test_insert (writer, "Tree", name, g_variant_new_string ("Birch"), NULL);
  godwit_test_relate (writer, "Plant", tomato, "bed", "Bed", bed);
  godwit_test_relate (writer, "Plant", basil, "bed", "Bed", bed);
  godwit_test_relate (writer, "Plant", tomato, "gardeners", "Gardener", ann);
  godwit_test_relate (writer, "Plant", tomato, "gardeners", "Gardener", bob);
  godwit_test_relate (writer, "Tree", oak, "gardeners", "Gardener", bob);
}

GVariant *
godwit_test_bytes_value (const void *data,
                         gsize       length)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, length, 1);
}

void
godwit_test_store_init (GodwitTestStore *store,
                        const char      *name)
{
  store->dir = godwit_test_make_tmpdir ();
  store->path = g_build_filename (store->dir, name, NULL);
  store->uuid = NULL;
}

GodwitStoreWriter *
godwit_test_store_begin (GodwitTestStore *store,
                         GodwitModel     *model,
                         gboolean         keep_wal)
{
  GodwitStoreWriter *writer = godwit_test_writer_new (model, store->path);

  godwit_store_writer_set_keep_wal (writer, keep_wal);
  godwit_test_writer_begin (writer);
  store->uuid = g_strdup (godwit_store_writer_get_uuid (writer));

  return writer;
}

char *
godwit_test_store_dup_uri (GodwitTestStore *store,
                           const char      *entity,
                           gint64           pk)
{
  return g_strdup_printf ("x-coredata://%s/%s/p%" G_GINT64_FORMAT, store->uuid, entity, pk);
}

void
godwit_test_store_clear (GodwitTestStore *store)
{
  godwit_test_rmdir (store->dir);
  g_clear_pointer (&store->dir, g_free);
  g_clear_pointer (&store->path, g_free);
  g_clear_pointer (&store->uuid, g_free);
}

sqlite3 *
godwit_test_open_read_only (const char *path,
                            gboolean    immutable)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autofree char *uri = g_strdup_printf ("file:%s?mode=ro%s", escaped,
                                          immutable ? "&immutable=1" : "");
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
                   ==, SQLITE_OK);

  return db;
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *statement = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));

  return statement;
}

char *
godwit_test_query (sqlite3    *db,
                   const char *sql)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *statement = prepare (db, sql);

  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      for (int i = 0; i < sqlite3_column_count (statement); i++)
        {
          g_autofree char *hex = NULL;

          if (i > 0)
            g_string_append_c (out, '|');
          switch (sqlite3_column_type (statement, i))
            {
            case SQLITE_NULL:
              g_string_append (out, "NULL");
              break;
            case SQLITE_INTEGER:
              g_string_append_printf (out, "%" G_GINT64_FORMAT,
                                      (gint64) sqlite3_column_int64 (statement, i));
              break;
            case SQLITE_FLOAT:
              g_string_append_printf (out, "%.17g", sqlite3_column_double (statement, i));
              break;
            case SQLITE_BLOB:
              hex = godwit_hex_encode (sqlite3_column_blob (statement, i),
                                       sqlite3_column_bytes (statement, i));
              g_string_append_printf (out, "x'%s'", hex);
              break;
            default:
              g_string_append (out, (const char *) sqlite3_column_text (statement, i));
              break;
            }
        }
    }
  sqlite3_finalize (statement);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

gint64
godwit_test_query_int (sqlite3    *db,
                       const char *sql)
{
  sqlite3_stmt *statement = prepare (db, sql);
  gint64 value;

  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);

  return value;
}

GBytes *
godwit_test_query_blob (sqlite3    *db,
                        const char *sql)
{
  sqlite3_stmt *statement = prepare (db, sql);
  GBytes *blob = NULL;

  if (sqlite3_step (statement) == SQLITE_ROW)
    blob = g_bytes_new (sqlite3_column_blob (statement, 0), sqlite3_column_bytes (statement, 0));
  sqlite3_finalize (statement);

  return blob;
}

plist_t
godwit_test_read_metadata (sqlite3 *db)
{
  g_autoptr(GBytes) blob = godwit_test_query_blob (db, "SELECT Z_PLIST FROM Z_METADATA");
  plist_t metadata = NULL;
  gsize length = 0;
  const char *data;

  g_assert_nonnull (blob);
  data = g_bytes_get_data (blob, &length);
  plist_from_bin (data, length, &metadata);
  g_assert_nonnull (metadata);
  g_assert_cmpint (plist_get_node_type (metadata), ==, PLIST_DICT);

  return metadata;
}

GodwitModel *
godwit_test_load_cached_model (sqlite3    *db,
                               const char *origin)
{
  g_autoptr(GBytes) cache = NULL;
  g_autoptr(GError) error = NULL;
  GodwitModel *model;
  gsize length = 0;
  const guint8 *data;

  if (godwit_test_query_int (db, "SELECT count(*) FROM sqlite_master "
                                 "WHERE name = 'Z_MODELCACHE'") == 0)
    return NULL;
  cache = godwit_test_query_blob (db, "SELECT Z_CONTENT FROM Z_MODELCACHE "
                                      "WHERE length(Z_CONTENT) > 0");
  if (cache == NULL)
    return NULL;

  data = g_bytes_get_data (cache, &length);
  model = _godwit_model_new_from_model_cache (data, length, origin, &error);
  g_assert_no_error (error);

  return model;
}

void
godwit_test_execute_sql (const char *path,
                         const char *sql,
                         GBytes     *blob)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *statement;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  statement = prepare (db, sql);
  if (blob != NULL)
    sqlite3_bind_blob (statement, 1, g_bytes_get_data (blob, NULL), (int) g_bytes_get_size (blob),
                       SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  sqlite3_finalize (statement);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

void
godwit_test_execute_all_sql (const char         *path,
                             const char * const *statements)
{
  for (guint i = 0; statements[i] != NULL; i++)
    godwit_test_execute_sql (path, statements[i], NULL);
}

char *
godwit_test_query_file (const char *path,
                        const char *sql)
{
  sqlite3 *db = godwit_test_open_read_only (path, FALSE);
  char *rows = godwit_test_query (db, sql);

  sqlite3_close (db);

  return rows;
}

static GPtrArray *
query_strings (sqlite3    *db,
               const char *sql)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (statement, 0);

      g_ptr_array_add (rows, g_strdup (text != NULL ? text : "NULL"));
    }
  sqlite3_finalize (statement);

  return rows;
}

char *
godwit_test_query_sorted (sqlite3    *db,
                          const char *sql)
{
  g_autoptr(GPtrArray) rows = query_strings (db, sql);

  g_ptr_array_sort (rows, godwit_test_compare_strings);
  g_ptr_array_add (rows, NULL);

  return g_strjoinv (", ", (char **) rows->pdata);
}

char *
godwit_test_describe_schema (sqlite3 *db)
{
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GPtrArray) indexes = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  tables = query_strings (db, "SELECT name FROM sqlite_master WHERE "
                              "type = 'table' AND name NOT LIKE 'sqlite_%'");
  indexes = query_strings (db, "SELECT name FROM sqlite_master WHERE "
                               "type = 'index' AND name NOT LIKE 'sqlite_%'");
  for (guint i = 0; i < tables->len; i++)
    {
      const char *table = g_ptr_array_index (tables, i);
      g_autofree char *sql = g_strdup_printf ("SELECT name || ' ' || type || "
                                              "(CASE pk WHEN 0 THEN '' ELSE ' PK' END) "
                                              "FROM pragma_table_info('%s')", table);
      g_autofree char *columns = godwit_test_query_sorted (db, sql);

      g_ptr_array_add (lines, g_strdup_printf ("table %s (%s)", table, columns));
    }
  for (guint i = 0; i < indexes->len; i++)
    {
      const char *index = g_ptr_array_index (indexes, i);
      g_autofree char *sql = g_strdup_printf ("SELECT group_concat(name, ', ') FROM "
                                              "(SELECT name FROM pragma_index_info('%s') "
                                              "ORDER BY seqno)", index);
      g_autofree char *unique_sql = g_strdup_printf ("SELECT il.\"unique\" || ' ' || m.tbl_name "
                                                     "FROM sqlite_master m, "
                                                     "pragma_index_list(m.tbl_name) il WHERE "
                                                     "m.name = '%s' AND il.name = m.name", index);
      g_autofree char *columns = godwit_test_query_sorted (db, sql);
      g_autofree char *table = godwit_test_query_sorted (db, unique_sql);

      g_ptr_array_add (lines, g_strdup_printf ("index %s on %s (%s)", index, table, columns));
    }

  g_ptr_array_sort (lines, godwit_test_compare_strings);
  g_ptr_array_add (lines, NULL);

  return g_strjoinv ("\n", (char **) lines->pdata);
}

char *
godwit_test_describe_layout (GodwitModel *model,
                             gboolean     persistent_history)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitStoreLayout) layout = godwit_store_layout_new (model, persistent_history, &error);
  g_auto(GStrv) schema = NULL;
  sqlite3 *db = NULL;
  char *description;

  g_assert_no_error (error);
  schema = godwit_store_layout_dup_schema_sql (layout);
  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  for (guint i = 0; schema[i] != NULL; i++)
    g_assert_cmpint (sqlite3_exec (db, schema[i], NULL, NULL, NULL), ==, SQLITE_OK);
  description = godwit_test_describe_schema (db);
  sqlite3_close (db);

  return description;
}

void
godwit_test_assert_layout (sqlite3     *db,
                           GodwitModel *model,
                           gboolean     persistent_history)
{
  g_autofree char *schema = godwit_test_describe_schema (db);
  g_autofree char *expected = godwit_test_describe_layout (model, persistent_history);

  g_assert_cmpstr (schema, ==, expected);
}
