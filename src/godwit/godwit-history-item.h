/* godwit-history-item.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "godwit-store.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_HISTORY_ITEM (godwit_history_item_get_type ())

G_DECLARE_FINAL_TYPE (GodwitHistoryItem, godwit_history_item, GODWIT, HISTORY_ITEM, GObject)

GodwitHistoryItem              *godwit_history_item_new             (GodwitHistoryTransaction *transaction);
const GodwitHistoryTransaction *godwit_history_item_get_transaction (GodwitHistoryItem        *self);
gboolean                        godwit_history_item_has_entity      (GodwitHistoryItem        *self,
                                                                     const char               *entity);

G_END_DECLS
