/* godwit-object-list.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "godwit-fetch-request.h"
#include "godwit-store.h"

G_BEGIN_DECLS

/* Objects read from the store at a time. */
#define GODWIT_OBJECT_LIST_PAGE_SIZE 100

#define GODWIT_TYPE_OBJECT_LIST (godwit_object_list_get_type ())

G_DECLARE_FINAL_TYPE (GodwitObjectList, godwit_object_list, GODWIT, OBJECT_LIST, GObject)

GodwitObjectList   *godwit_object_list_new                   (GodwitStore          *store,
                                                              const char           *entity_name,
                                                              gboolean              include_subentities,
                                                              guint                 n_items);
GodwitObjectList   *godwit_object_list_new_for_fetch_request (GodwitStore          *store,
                                                              GodwitFetchRequest   *request);
const char         *godwit_object_list_get_entity_name       (GodwitObjectList     *self);
GodwitFetchRequest *godwit_object_list_get_fetch_request     (GodwitObjectList     *self);
gboolean            godwit_object_list_get_counted           (GodwitObjectList     *self);
gboolean            godwit_object_list_get_loading           (GodwitObjectList     *self);
guint               godwit_object_list_get_n_fetched_pages   (GodwitObjectList     *self);
guint               godwit_object_list_get_n_cached_pages    (GodwitObjectList     *self);
const char         *godwit_object_list_get_error_message     (GodwitObjectList     *self);
void                godwit_object_list_find_position_async   (GodwitObjectList     *self,
                                                              gint64                pk,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
gint64              godwit_object_list_find_position_finish  (GodwitObjectList     *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);

G_END_DECLS
