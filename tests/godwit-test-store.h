/* godwit-test-store.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <plist/plist.h>
#include <sqlite3.h>

#include "godwit-store-writer.h"

G_BEGIN_DECLS

/* Writing stores; each function aborts the test on an error. */

GodwitStoreWriter *godwit_test_writer_new        (GodwitModel         *model,
                                                  const char          *path);
void               godwit_test_writer_begin      (GodwitStoreWriter   *writer);
void               godwit_test_writer_commit     (GodwitStoreWriter   *writer);
/* Inserts an object from NULL-terminated (attribute name, GVariant *)
 * pairs, a NULL value for NULL; returns its Z_PK. */
gint64             godwit_test_insert            (GodwitStoreWriter   *writer,
                                                  const char          *entity,
                                                  ...) G_GNUC_NULL_TERMINATED;
void               godwit_test_relate            (GodwitStoreWriter   *writer,
                                                  const char          *entity,
                                                  gint64               pk,
                                                  const char          *relationship,
                                                  const char          *destination,
                                                  gint64               destination_pk);
/* A floating "ay" value. */
GVariant          *godwit_test_bytes_value       (const void          *data,
                                                  gsize                length);
/* The objects of a garden (data/demo/Garden.xcdatamodeld) at @version,
 * whose Plant.name became commonName in “Garden 2”: a bed, two gardeners,
 * two plants (one note blank) and a tree, related; with @bare also a
 * plant and a tree with nothing but a name, after each of the others. */
void               godwit_test_write_garden      (GodwitStoreWriter   *writer,
                                                  const char          *version,
                                                  gboolean             bare);

/* A store written in a fresh temporary directory. */
typedef struct
{
  char *dir;    /* removed with its content by godwit_test_store_clear() */
  char *path;   /* the store file in @dir */
  char *uuid;   /* (nullable) the store's UUID, once writing began */
} GodwitTestStore;

/* Makes the directory; the store file is named @name. */
void               godwit_test_store_init        (GodwitTestStore     *store,
                                                  const char          *name);
/* A writer of @model for the store, begun; @keep_wal leaves the committed
 * content in the -wal file. */
GodwitStoreWriter *godwit_test_store_begin       (GodwitTestStore     *store,
                                                  GodwitModel         *model,
                                                  gboolean             keep_wal);
/* The x-coredata URI of an object of the store. */
char              *godwit_test_store_dup_uri     (GodwitTestStore     *store,
                                                  const char          *entity,
                                                  gint64               pk);
void               godwit_test_store_clear       (GodwitTestStore     *store);

/* Reading stores with SQLite itself, not with the code under test. */

/* With @immutable, SQLite neither locks the file nor looks for a -wal. */
sqlite3           *godwit_test_open_read_only    (const char          *path,
                                                  gboolean             immutable);
/* The rows of @sql: columns separated by "|", rows by "\n"; NULL as
 * "NULL", blobs as x'hex', reals with %.17g. */
char              *godwit_test_query             (sqlite3             *db,
                                                  const char          *sql);
/* Asserts that godwit_test_query() of @sql gives @expected; a macro, so
 * that a failure names the line of the caller. */
#define godwit_test_assert_query(db, sql, expected) \
  G_STMT_START { \
    g_autofree char *godwit_test_rows_ = godwit_test_query ((db), (sql)); \
    g_assert_cmpstr (godwit_test_rows_, ==, (expected)); \
  } G_STMT_END
/* The first column of @sql's first row, which must be there. */
gint64             godwit_test_query_int         (sqlite3             *db,
                                                  const char          *sql);
/* The first column of @sql's first row, or NULL when there is no row. */
GBytes            *godwit_test_query_blob        (sqlite3             *db,
                                                  const char          *sql);
/* Z_METADATA's Z_PLIST, parsed by libplist: a dictionary. */
plist_t            godwit_test_read_metadata     (sqlite3             *db);
/* The model cached in Z_MODELCACHE, decoded; NULL when the store caches
 * none. @origin names the store in errors. */
GodwitModel       *godwit_test_load_cached_model (sqlite3             *db,
                                                  const char          *origin);
/* Runs @sql on the store at @path, binding @blob (nullable) as ?1. */
void               godwit_test_execute_sql       (const char          *path,
                                                  const char          *sql,
                                                  GBytes              *blob);
/* Runs each of @statements (NULL-terminated) on the store at @path. */
void               godwit_test_execute_all_sql   (const char          *path,
                                                  const char * const  *statements);
/* godwit_test_query() of @sql on the store at @path, opened read-only. */
char              *godwit_test_query_file        (const char          *path,
                                                  const char          *sql);
/* The first column of @sql's rows, NULL as "NULL", sorted and joined
 * with ", ". */
char              *godwit_test_query_sorted      (sqlite3             *db,
                                                  const char          *sql);
/* Tables with their columns and types, indexes with their table, columns
 * and uniqueness, as sorted lines: orders do not count. */
char              *godwit_test_describe_schema   (sqlite3             *db);
/* godwit_test_describe_schema() of @model's store layout, with or without
 * the tables of persistent history. */
char              *godwit_test_describe_layout   (GodwitModel         *model,
                                                  gboolean             persistent_history);
/* Asserts that the schema of @db is @model's store layout. */
void               godwit_test_assert_layout     (sqlite3             *db,
                                                  GodwitModel         *model,
                                                  gboolean             persistent_history);

G_END_DECLS
