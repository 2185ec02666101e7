/* godwit-objects-page.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-document.h"
#include "godwit-object-inspector.h"
#include "godwit-object-list.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_OBJECTS_PAGE (godwit_objects_page_get_type ())

G_DECLARE_FINAL_TYPE (GodwitObjectsPage, godwit_objects_page, GODWIT, OBJECTS_PAGE, AdwBin)

void                   godwit_objects_page_set_entity      (GodwitObjectsPage *self,
                                                            GodwitDocument    *document,
                                                            const char        *entity_name);
void                   godwit_objects_page_clear           (GodwitObjectsPage *self);
GodwitObjectList      *godwit_objects_page_get_object_list (GodwitObjectsPage *self);
GtkColumnView         *godwit_objects_page_get_column_view (GodwitObjectsPage *self);
GodwitObjectInspector *godwit_objects_page_get_inspector   (GodwitObjectsPage *self);

G_END_DECLS
