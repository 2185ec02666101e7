/* godwit-sql.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Running migration statements on a store: cancellation through SQLite's
 * progress handler, errors that name the store and the part at fault, and
 * progress reports for statements that copy rows.
 */

#define G_LOG_DOMAIN "godwit-sql"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-sql-private.h"

/**
 * _godwit_sql_dup_file_name:
 *
 * The name to give SQLite for the file at @path. SQLite as Debian builds
 * it (SQLITE_USE_URI) reads a name starting with "file:" as a URI, so a
 * store called "file:Notes.sqlite" would be misread; an absolute path
 * never is.
 */
char *
_godwit_sql_dup_file_name (const char *path)
{
  return g_canonicalize_filename (path, NULL);
}

/* sqlite3_open_v2() for a file path, never read as a URI. */
int
_godwit_sql_open (const char  *path,
                  int          flags,
                  const char  *vfs,
                  sqlite3    **db)
{
  g_autofree char *file_name = _godwit_sql_dup_file_name (path);

  return sqlite3_open_v2 (file_name, db, flags, vfs);
}

/**
 * _godwit_sql_quote_identifier:
 *
 * Returns: (transfer full): @name as a quoted SQL identifier, its double
 *   quotes doubled
 */
char *
_godwit_sql_quote_identifier (const char *name)
{
  g_autoptr(GString) quoted = g_string_new ("\"");

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (quoted, '"');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');

  return g_string_free (g_steal_pointer (&quoted), FALSE);
}

/* Both migrations match a column of the old table to the new one by its
 * SQL name, whatever property or role it had. */
const GodwitColumn *
_godwit_sql_find_column (const GodwitTable *table,
                         const char        *name)
{
  for (guint i = 0; i < table->columns->len; i++)
    {
      const GodwitColumn *column = g_ptr_array_index (table->columns, i);

      if (strcmp (column->name, name) == 0)
        return column;
    }

  return NULL;
}

/* Steps of the SQLite virtual machine between cancellation checks. */
#define PROGRESS_HANDLER_STEPS 10000

static int
progress_handler (void *data)
{
  GodwitSqlRun *run = data;

  return g_cancellable_is_cancelled (run->cancellable) ? 1 : 0;
}

/**
 * _godwit_sql_run_watch_cancellable:
 *
 * Makes a long statement stop when @run's cancellable is cancelled.
 */
void
_godwit_sql_run_watch_cancellable (GodwitSqlRun *run)
{
  if (run->cancellable != NULL)
    sqlite3_progress_handler (run->db, PROGRESS_HANDLER_STEPS, progress_handler, run);
}

void
_godwit_sql_run_unwatch_cancellable (GodwitSqlRun *run)
{
  if (run->cancellable != NULL)
    sqlite3_progress_handler (run->db, 0, NULL, NULL);
}

/**
 * _godwit_sql_run_open:
 * @flags: as for sqlite3_open_v2()
 * @vfs: (nullable): as for sqlite3_open_v2()
 *
 * Opens the store at @run's path for @run, whose cancellable then stops
 * its statements. On failure the connection is closed.
 */
gboolean
_godwit_sql_run_open (GodwitSqlRun  *run,
                      int            flags,
                      const char    *vfs,
                      GError       **error)
{
  if (_godwit_sql_open (run->path, flags, vfs, &run->db) != SQLITE_OK)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: cannot open the store: %s"), run->path,
                   run->db != NULL ? sqlite3_errmsg (run->db) : _("out of memory"));
      sqlite3_close (run->db);
      run->db = NULL;
      return FALSE;
    }
  _godwit_sql_run_watch_cancellable (run);

  return TRUE;
}

/**
 * _godwit_sql_run_fail:
 * @where: the part at fault, for the message
 * @sql: (nullable): the statement, shown when @run asks for it
 *
 * Sets @error from the connection's last error: cancelled when the
 * progress handler stopped it, else "path: where: message".
 *
 * Returns: %FALSE
 */
gboolean
_godwit_sql_run_fail (GodwitSqlRun  *run,
                      const char    *where,
                      const char    *sql,
                      GError       **error)
{
  if (sqlite3_errcode (run->db) == SQLITE_INTERRUPT &&
      g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return FALSE;

  if (run->show_sql && sql != NULL)
    g_set_error (error, GODWIT_ERROR, run->code, "%s: %s: %s (%s)", run->path, where,
                 sqlite3_errmsg (run->db), sql);
  else
    g_set_error (error, GODWIT_ERROR, run->code, "%s: %s: %s", run->path, where,
                 sqlite3_errmsg (run->db));
  return FALSE;
}

gboolean
_godwit_sql_run_execute (GodwitSqlRun  *run,
                         const char    *where,
                         const char    *sql,
                         GError       **error)
{
  if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return FALSE;
  if (sqlite3_exec (run->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _godwit_sql_run_fail (run, where, sql, error);
  return TRUE;
}

/**
 * _godwit_sql_run_query_ints:
 * @values: (out) (array length=n_values): the first @n_values columns of
 *   the first row, 0 without a row
 */
gboolean
_godwit_sql_run_query_ints (GodwitSqlRun  *run,
                            const char    *where,
                            const char    *sql,
                            gint64        *values,
                            guint          n_values,
                            GError       **error)
{
  sqlite3_stmt *statement = NULL;
  int result;

  if (sqlite3_prepare_v2 (run->db, sql, -1, &statement, NULL) != SQLITE_OK)
    return _godwit_sql_run_fail (run, where, sql, error);
  result = sqlite3_step (statement);
  for (guint i = 0; i < n_values; i++)
    values[i] = result == SQLITE_ROW ? sqlite3_column_int64 (statement, (int) i) : 0;
  sqlite3_finalize (statement);
  if (result != SQLITE_ROW && result != SQLITE_DONE)
    return _godwit_sql_run_fail (run, where, sql, error);

  return TRUE;
}

/**
 * _godwit_sql_run_query_int:
 * @value: (out): the first column of the first row, 0 without a row
 */
gboolean
_godwit_sql_run_query_int (GodwitSqlRun  *run,
                           const char    *where,
                           const char    *sql,
                           gint64        *value,
                           GError       **error)
{
  return _godwit_sql_run_query_ints (run, where, sql, value, 1, error);
}

/**
 * _godwit_sql_run_statement:
 *
 * Executes @statement; one with a count_sql reports its progress before
 * and after.
 */
gboolean
_godwit_sql_run_statement (GodwitSqlRun                 *run,
                           const char                   *where,
                           const GodwitSqlStatement     *statement,
                           GodwitMigrationProgressFunc   progress,
                           gpointer                      user_data,
                           GError                      **error)
{
  gint64 total = 0;

  if (statement->count_sql != NULL)
    {
      if (!_godwit_sql_run_query_int (run, where, statement->count_sql, &total, error))
        return FALSE;
      if (progress != NULL)
        progress (statement->entity, 0, total, user_data);
    }
  if (!_godwit_sql_run_execute (run, where, statement->sql, error))
    return FALSE;
  if (statement->count_sql != NULL && progress != NULL)
    progress (statement->entity, total, total, user_data);

  return TRUE;
}

void
_godwit_sql_statement_clear (GodwitSqlStatement *statement)
{
  g_clear_pointer (&statement->sql, g_free);
  g_clear_pointer (&statement->count_sql, g_free);
  g_clear_pointer (&statement->entity, g_free);
}

/**
 * _godwit_sql_statements_dup_sql:
 * @statements: (element-type GodwitSqlStatement): a migration's statements,
 *   each extending #GodwitSqlStatement
 *
 * Returns: (transfer full) (element-type utf8): their SQL, in order
 */
GPtrArray *
_godwit_sql_statements_dup_sql (GPtrArray *statements)
{
  GPtrArray *sql = g_ptr_array_new_full (statements->len, g_free);

  for (guint i = 0; i < statements->len; i++)
    {
      const GodwitSqlStatement *statement = g_ptr_array_index (statements, i);

      g_ptr_array_add (sql, g_strdup (statement->sql));
    }

  return sql;
}
