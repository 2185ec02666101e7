/* godwit-history-item.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A persistent-history transaction with its changes, as an item of the
 * History page's list.
 */

#define G_LOG_DOMAIN "godwit-history-item"

#include "config.h"

#include "godwit-history-item.h"

struct _GodwitHistoryItem
{
  GObject                   parent_instance;

  GodwitHistoryTransaction *transaction;
};

G_DEFINE_FINAL_TYPE (GodwitHistoryItem, godwit_history_item, G_TYPE_OBJECT)

static void
godwit_history_item_finalize (GObject *object)
{
  GodwitHistoryItem *self = (GodwitHistoryItem *)object;

  g_clear_pointer (&self->transaction, godwit_history_transaction_free);

  G_OBJECT_CLASS (godwit_history_item_parent_class)->finalize (object);
}

static void
godwit_history_item_class_init (GodwitHistoryItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_history_item_finalize;
}

static void
godwit_history_item_init (GodwitHistoryItem *self)
{
}

/**
 * godwit_history_item_new:
 * @transaction: (transfer full): a transaction read with its changes
 */
GodwitHistoryItem *
godwit_history_item_new (GodwitHistoryTransaction *transaction)
{
  GodwitHistoryItem *self;

  g_return_val_if_fail (transaction != NULL, NULL);
  g_return_val_if_fail (transaction->changes != NULL, NULL);

  self = g_object_new (GODWIT_TYPE_HISTORY_ITEM, NULL);
  self->transaction = transaction;

  return self;
}

const GodwitHistoryTransaction *
godwit_history_item_get_transaction (GodwitHistoryItem *self)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_ITEM (self), NULL);

  return self->transaction;
}

/* Whether the transaction changed an object of exactly @entity. */
gboolean
godwit_history_item_has_entity (GodwitHistoryItem *self,
                                const char        *entity)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_ITEM (self), FALSE);
  g_return_val_if_fail (entity != NULL, FALSE);

  for (guint i = 0; i < self->transaction->changes->len; i++)
    {
      const GodwitHistoryChange *change = g_ptr_array_index (self->transaction->changes, i);

      if (g_strcmp0 (change->entity, entity) == 0)
        return TRUE;
    }

  return FALSE;
}
