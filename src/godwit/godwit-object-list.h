/* godwit-object-list.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "godwit-store.h"

G_BEGIN_DECLS

/* Objects read from the store at a time. */
#define GODWIT_OBJECT_LIST_PAGE_SIZE 100

#define GODWIT_TYPE_OBJECT_LIST (godwit_object_list_get_type ())

G_DECLARE_FINAL_TYPE (GodwitObjectList, godwit_object_list, GODWIT, OBJECT_LIST, GObject)

GodwitObjectList *godwit_object_list_new                 (GodwitStore      *store,
                                                          const char       *entity_name,
                                                          gboolean          include_subentities,
                                                          guint             n_items);
const char       *godwit_object_list_get_entity_name     (GodwitObjectList *self);
gboolean          godwit_object_list_get_loading         (GodwitObjectList *self);
guint             godwit_object_list_get_n_fetched_pages (GodwitObjectList *self);
guint             godwit_object_list_get_n_cached_pages  (GodwitObjectList *self);
const char       *godwit_object_list_get_error_message   (GodwitObjectList *self);

G_END_DECLS
