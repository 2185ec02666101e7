/* godwit-sql-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "godwit-error.h"
#include "godwit-lightweight-migration.h"
#include "godwit-store-layout.h"

G_BEGIN_DECLS

/* A connection statements run on, and how their failures are reported. */
typedef struct
{
  sqlite3      *db;
  const char   *path;         /* the store, first in every message */
  GCancellable *cancellable;  /* (nullable) */
  GodwitError   code;         /* what a failing statement is */
  gboolean      show_sql;     /* whether its message ends with the statement */
} GodwitSqlRun;

/* A migration statement; one that copies rows says how many, for
 * progress. Migrations extend it as the first member of their own. */
typedef struct
{
  char *sql;
  char *count_sql;  /* (nullable): how many rows it copies … */
  char *entity;     /* (nullable): … for this entity or entity mapping */
} GodwitSqlStatement;

char      *_godwit_sql_dup_file_name           (const char                   *path);
char      *_godwit_sql_quote_identifier        (const char                   *name);
int        _godwit_sql_open                    (const char                   *path,
                                                int                           flags,
                                                const char                   *vfs,
                                                sqlite3                     **db);
gboolean   _godwit_sql_run_open                (GodwitSqlRun                 *run,
                                                int                           flags,
                                                const char                   *vfs,
                                                GError                      **error);
void       _godwit_sql_run_watch_cancellable   (GodwitSqlRun                 *run);
void       _godwit_sql_run_unwatch_cancellable (GodwitSqlRun                 *run);
gboolean   _godwit_sql_run_fail                (GodwitSqlRun                 *run,
                                                const char                   *where,
                                                const char                   *sql,
                                                GError                      **error);
gboolean   _godwit_sql_run_execute             (GodwitSqlRun                 *run,
                                                const char                   *where,
                                                const char                   *sql,
                                                GError                      **error);
gboolean   _godwit_sql_run_query_int           (GodwitSqlRun                 *run,
                                                const char                   *where,
                                                const char                   *sql,
                                                gint64                       *value,
                                                GError                      **error);
gboolean   _godwit_sql_run_query_ints          (GodwitSqlRun                 *run,
                                                const char                   *where,
                                                const char                   *sql,
                                                gint64                       *values,
                                                guint                         n_values,
                                                GError                      **error);
gboolean   _godwit_sql_run_statement           (GodwitSqlRun                 *run,
                                                const char                   *where,
                                                const GodwitSqlStatement     *statement,
                                                GodwitMigrationProgressFunc   progress,
                                                gpointer                      user_data,
                                                GError                      **error);

void       _godwit_sql_statement_clear         (GodwitSqlStatement           *statement);
GPtrArray *_godwit_sql_statements_dup_sql      (GPtrArray                    *statements);

const GodwitColumn *_godwit_sql_find_column (const GodwitTable *table,
                                             const char        *name);

G_END_DECLS
