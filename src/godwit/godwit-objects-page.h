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

void                   godwit_objects_page_set_entity           (GodwitObjectsPage *self,
                                                                 GodwitDocument    *document,
                                                                 const char        *entity_name);
void                   godwit_objects_page_clear                (GodwitObjectsPage *self);
void                   godwit_objects_page_show_object          (GodwitObjectsPage *self,
                                                                 const char        *entity_name,
                                                                 gint64             pk);
void                   godwit_objects_page_show_objects         (GodwitObjectsPage *self,
                                                                 const char        *entity_name,
                                                                 const gint64      *pks,
                                                                 guint              n_pks,
                                                                 const char        *description);
void                   godwit_objects_page_follow_relationship  (GodwitObjectsPage *self,
                                                                 const char        *name);
gboolean               godwit_objects_page_get_can_go_back      (GodwitObjectsPage *self);
gboolean               godwit_objects_page_get_can_go_forward   (GodwitObjectsPage *self);
void                   godwit_objects_page_go_back              (GodwitObjectsPage *self);
void                   godwit_objects_page_go_forward           (GodwitObjectsPage *self);
void                   godwit_objects_page_find                 (GodwitObjectsPage *self);
GodwitObjectList      *godwit_objects_page_get_object_list      (GodwitObjectsPage *self);
GtkColumnView         *godwit_objects_page_get_column_view      (GodwitObjectsPage *self);
GodwitObjectInspector *godwit_objects_page_get_inspector        (GodwitObjectsPage *self);
GtkSearchBar          *godwit_objects_page_get_search_bar       (GodwitObjectsPage *self);
GtkSearchEntry        *godwit_objects_page_get_search_entry     (GodwitObjectsPage *self);
const char            *godwit_objects_page_get_count_text       (GodwitObjectsPage *self);
const char            *godwit_objects_page_get_pks_description  (GodwitObjectsPage *self);

G_END_DECLS
