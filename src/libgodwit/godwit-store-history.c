/* godwit-store-history.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Persistent history (ATRANSACTION, ACHANGE, ATRANSACTIONSTRING). Newer
 * stores intern author, bundle id, context and process in
 * ATRANSACTIONSTRING and point at them from the *TS columns; older ones
 * keep the text in ZAUTHOR and friends. Columns are found with PRAGMA
 * table_info, as they vary between framework versions.
 */

#define G_LOG_DOMAIN "godwit-store-history"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-store-private.h"
#include "godwit-value.h"
#include "godwit-value-private.h"

static const struct {
  const char *interned;   /* → ATRANSACTIONSTRING.Z_PK */
  const char *text;       /* the legacy text column */
} transaction_strings[] = {
  { "ZAUTHORTS", "ZAUTHOR" },
  { "ZCONTEXTNAMETS", "ZCONTEXTNAME" },
  { "ZBUNDLEIDTS", "ZBUNDLEID" },
  { "ZPROCESSIDTS", "ZPROCESSID" },
};

static void
history_change_free (gpointer data)
{
  GodwitHistoryChange *change = data;

  g_free (change->entity);
  g_free (change->uri);
  g_free (change->changed_columns_hex);
  g_clear_pointer (&change->tombstone, json_array_unref);
  g_free (change);
}

void
godwit_history_transaction_free (GodwitHistoryTransaction *transaction)
{
  if (transaction == NULL)
    return;

  g_free (transaction->author);
  g_free (transaction->context_name);
  g_free (transaction->bundle_id);
  g_free (transaction->process_id);
  g_clear_pointer (&transaction->changes, g_ptr_array_unref);
  g_free (transaction);
}

static GHashTable *
table_columns (GodwitStore  *self,
               const char   *table,
               GError      **error)
{
  g_autoptr(GHashTable) columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info(%s)", table);
  sqlite3_stmt *statement = _godwit_store_prepare_locked (self, sql, error);
  int rc;

  if (statement == NULL)
    return NULL;

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    g_hash_table_add (columns, g_ascii_strup ((const char *) sqlite3_column_text (statement, 1), -1));

  sqlite3_reset (statement);

  if (rc != SQLITE_DONE)
    {
      _godwit_store_set_sqlite_error (self, rc, _("reading the history tables"), error);
      return NULL;
    }

  return g_steal_pointer (&columns);
}

static char *
transactions_sql (GodwitStore  *self,
                  GError      **error)
{
  g_autoptr(GHashTable) columns = table_columns (self, "ATRANSACTION", error);
  g_autoptr(GString) select = g_string_new ("SELECT t.Z_PK, t.ZTIMESTAMP");
  g_autoptr(GString) joins = g_string_new (NULL);
  gboolean has_strings = _godwit_store_has_table (self, "ATRANSACTIONSTRING");

  if (columns == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (transaction_strings); i++)
    {
      gboolean interned = has_strings && g_hash_table_contains (columns, transaction_strings[i].interned);
      gboolean text = g_hash_table_contains (columns, transaction_strings[i].text);

      if (interned)
        g_string_append_printf (joins, " LEFT JOIN ATRANSACTIONSTRING s%u ON s%u.Z_PK = t.%s",
                                i, i, transaction_strings[i].interned);

      if (interned && text)
        g_string_append_printf (select, ", COALESCE(s%u.ZNAME, t.%s)", i, transaction_strings[i].text);
      else if (interned)
        g_string_append_printf (select, ", s%u.ZNAME", i);
      else if (text)
        g_string_append_printf (select, ", t.%s", transaction_strings[i].text);
      else
        g_string_append (select, ", NULL");
    }

  return g_strdup_printf ("%s FROM ATRANSACTION t%s WHERE t.Z_PK > ?1 ORDER BY t.Z_PK LIMIT ?2",
                          select->str, joins->str);
}

static char *
changes_sql (GodwitStore  *self,
             guint        *n_tombstones,
             GError      **error)
{
  g_autoptr(GHashTable) columns = table_columns (self, "ACHANGE", error);
  g_autoptr(GString) sql = g_string_new ("SELECT Z_PK, ZCHANGETYPE, ZENTITY, ZENTITYPK");

  if (columns == NULL)
    return NULL;

  g_string_append (sql, g_hash_table_contains (columns, "ZCOLUMNS") ? ", ZCOLUMNS" : ", NULL");

  *n_tombstones = 0;
  for (;;)
    {
      g_autofree char *name = g_strdup_printf ("ZTOMBSTONE%u", *n_tombstones);

      if (!g_hash_table_contains (columns, name))
        break;
      g_string_append_printf (sql, ", %s", name);
      (*n_tombstones)++;
    }

  g_string_append (sql, " FROM ACHANGE WHERE ZTRANSACTIONID = ?1 ORDER BY Z_PK");

  return g_string_free (g_steal_pointer (&sql), FALSE);
}

static char *
dup_text (sqlite3_stmt *statement,
          int           column)
{
  const char *text = (const char *) sqlite3_column_text (statement, column);

  return text != NULL ? g_utf8_make_valid (text, -1) : NULL;
}

static gboolean
read_changes (GodwitStore               *self,
              const char                *sql,
              guint                      n_tombstones,
              GodwitHistoryTransaction  *transaction,
              GError                   **error)
{
  sqlite3_stmt *statement = _godwit_store_prepare_locked (self, sql, error);
  int rc;

  if (statement == NULL)
    return FALSE;

  sqlite3_bind_int64 (statement, 1, transaction->pk);

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      GodwitHistoryChange *change = g_new0 (GodwitHistoryChange, 1);
      const char *entity;

      change->pk = sqlite3_column_int64 (statement, 0);
      change->type = (GodwitHistoryChangeType) sqlite3_column_int64 (statement, 1);
      change->entity_number = (guint) sqlite3_column_int64 (statement, 2);
      change->entity_pk = sqlite3_column_int64 (statement, 3);

      entity = _godwit_store_entity_name_for_number (self, change->entity_number);
      if (entity != NULL)
        {
          change->entity = g_strdup (entity);
          change->uri = godwit_store_dup_object_uri (self, entity, change->entity_pk);
        }

      if (sqlite3_column_type (statement, 4) == SQLITE_BLOB)
        {
          change->changed_columns_hex = godwit_hex_encode (sqlite3_column_blob (statement, 4),
                                                           sqlite3_column_bytes (statement, 4));
        }

      for (guint i = 0; i < n_tombstones; i++)
        {
          int column = 5 + i;

          if (sqlite3_column_type (statement, column) == SQLITE_NULL)
            continue;

          if (change->tombstone == NULL)
            change->tombstone = json_array_new ();

          json_array_add_element (change->tombstone,
                                  _godwit_value_to_json_for_declared_type ("BLOB", statement, column));
        }

      g_ptr_array_add (transaction->changes, change);
    }

  sqlite3_reset (statement);

  if (rc != SQLITE_DONE)
    return _godwit_store_set_sqlite_error (self, rc, _("reading history changes"), error);

  return TRUE;
}

/**
 * godwit_store_count_history_transactions:
 *
 * Returns: the number of persistent-history transactions (0 when the
 *   store keeps no history), or -1 with @error set.
 */
gint64
godwit_store_count_history_transactions (GodwitStore   *self,
                                         GCancellable  *cancellable,
                                         GError       **error)
{
  sqlite3_stmt *statement;
  gint64 count = -1;
  int rc;

  g_return_val_if_fail (GODWIT_IS_STORE (self), -1);

  if (!godwit_store_has_persistent_history (self))
    return 0;

  _godwit_store_lock (self, cancellable);

  statement = _godwit_store_prepare_locked (self, "SELECT COUNT(*) FROM ATRANSACTION", error);
  if (statement != NULL)
    {
      rc = sqlite3_step (statement);
      if (rc == SQLITE_ROW)
        count = sqlite3_column_int64 (statement, 0);
      else
        _godwit_store_set_sqlite_error (self, rc, _("counting history transactions"), error);
      sqlite3_reset (statement);
    }

  _godwit_store_unlock (self);

  return count;
}

/**
 * godwit_store_fetch_history:
 * @after_pk: return transactions whose Z_PK is greater (0 for the first)
 * @limit: at most this many transactions
 *
 * Returns: (transfer full) (element-type GodwitHistoryTransaction): the
 *   transactions with their changes; empty when the store keeps no
 *   history; %NULL with @error set on failure.
 */
GPtrArray *
godwit_store_fetch_history (GodwitStore   *self,
                            gint64         after_pk,
                            guint          limit,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GPtrArray) transactions = NULL;
  g_autofree char *transaction_sql = NULL;
  g_autofree char *change_sql = NULL;
  guint n_tombstones = 0;
  sqlite3_stmt *statement;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (GODWIT_IS_STORE (self), NULL);

  transactions = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_history_transaction_free);

  if (!godwit_store_has_persistent_history (self))
    return g_steal_pointer (&transactions);

  _godwit_store_lock (self, cancellable);

  transaction_sql = transactions_sql (self, error);
  if (transaction_sql == NULL)
    goto out;

  change_sql = changes_sql (self, &n_tombstones, error);
  if (change_sql == NULL)
    goto out;

  statement = _godwit_store_prepare_locked (self, transaction_sql, error);
  if (statement == NULL)
    goto out;

  sqlite3_bind_int64 (statement, 1, after_pk);
  sqlite3_bind_int64 (statement, 2, limit);

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      GodwitHistoryTransaction *transaction = g_new0 (GodwitHistoryTransaction, 1);

      transaction->pk = sqlite3_column_int64 (statement, 0);
      transaction->timestamp = sqlite3_column_double (statement, 1);
      transaction->author = dup_text (statement, 2);
      transaction->context_name = dup_text (statement, 3);
      transaction->bundle_id = dup_text (statement, 4);
      transaction->process_id = dup_text (statement, 5);
      transaction->changes = g_ptr_array_new_with_free_func (history_change_free);
      g_ptr_array_add (transactions, transaction);

      if (!read_changes (self, change_sql, n_tombstones, transaction, error))
        {
          sqlite3_reset (statement);
          goto out;
        }
    }

  sqlite3_reset (statement);

  if (rc != SQLITE_DONE)
    {
      _godwit_store_set_sqlite_error (self, rc, _("reading history transactions"), error);
      goto out;
    }

  ok = TRUE;

out:
  _godwit_store_unlock (self);

  return ok ? g_steal_pointer (&transactions) : NULL;
}
