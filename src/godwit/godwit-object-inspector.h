/* godwit-object-inspector.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-object-item.h"
#include "godwit-value-row.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_OBJECT_INSPECTOR (godwit_object_inspector_get_type ())

G_DECLARE_FINAL_TYPE (GodwitObjectInspector, godwit_object_inspector, GODWIT, OBJECT_INSPECTOR, AdwBin)

void              godwit_object_inspector_set_item       (GodwitObjectInspector *self,
                                                          GodwitObjectItem      *item);
GodwitObjectItem *godwit_object_inspector_get_item       (GodwitObjectInspector *self);
GodwitValueRow   *godwit_object_inspector_get_value_row  (GodwitObjectInspector *self,
                                                          const char            *name);
const char       *godwit_object_inspector_get_value_text (GodwitObjectInspector *self,
                                                          const char            *name);

G_END_DECLS
