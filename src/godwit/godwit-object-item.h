/* godwit-object-item.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-store.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_OBJECT_ITEM (godwit_object_item_get_type ())

G_DECLARE_FINAL_TYPE (GodwitObjectItem, godwit_object_item, GODWIT, OBJECT_ITEM, GObject)

GodwitObjectItem   *godwit_object_item_new            (guint             position,
                                                       GPtrArray        *page,
                                                       guint             index);
void                godwit_object_item_fill           (GodwitObjectItem *self,
                                                       GPtrArray        *page,
                                                       guint             index);
guint               godwit_object_item_get_position   (GodwitObjectItem *self);
gboolean            godwit_object_item_get_loaded     (GodwitObjectItem *self);
const GodwitObject *godwit_object_item_get_object     (GodwitObjectItem *self);
char               *godwit_object_item_dup_value_text (GodwitObjectItem *self,
                                                       const char       *name,
                                                       guint             max_chars);

G_END_DECLS
