/* godwit-fetch-request.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-store.h"

G_BEGIN_DECLS

/* The sort key of the objects' primary key; any other key is an
 * attribute's name (a column's name in the schema-only view). */
#define GODWIT_FETCH_REQUEST_PK_KEY "Z_PK"

/* A sorted or filtered request keeps the Z_PKs of its objects in memory,
 * 8 bytes each: at most this many. */
#define GODWIT_FETCH_REQUEST_MAX_OBJECTS 50000000

#define GODWIT_TYPE_FETCH_REQUEST (godwit_fetch_request_get_type ())

G_DECLARE_FINAL_TYPE (GodwitFetchRequest, godwit_fetch_request, GODWIT, FETCH_REQUEST, GObject)

GodwitFetchRequest *godwit_fetch_request_new                      (const char          *entity_name);
GodwitFetchRequest *godwit_fetch_request_copy                     (GodwitFetchRequest  *self);
const char         *godwit_fetch_request_get_entity_name          (GodwitFetchRequest  *self);
void                godwit_fetch_request_set_includes_subentities (GodwitFetchRequest  *self,
                                                                   gboolean             includes_subentities);
gboolean            godwit_fetch_request_get_includes_subentities (GodwitFetchRequest  *self);
void                godwit_fetch_request_add_sort_descriptor      (GodwitFetchRequest  *self,
                                                                   const char          *key,
                                                                   gboolean             ascending);
guint               godwit_fetch_request_get_n_sort_descriptors   (GodwitFetchRequest  *self);
const char         *godwit_fetch_request_get_sort_descriptor      (GodwitFetchRequest  *self,
                                                                   guint                index,
                                                                   gboolean            *ascending);
void                godwit_fetch_request_set_text_predicate       (GodwitFetchRequest  *self,
                                                                   const char          *text);
const char         *godwit_fetch_request_get_text_predicate       (GodwitFetchRequest  *self);
void                godwit_fetch_request_set_pk_predicate         (GodwitFetchRequest  *self,
                                                                   const gint64        *pks,
                                                                   gsize                n_pks);
const gint64       *godwit_fetch_request_get_pk_predicate         (GodwitFetchRequest  *self,
                                                                   gsize               *n_pks);
gboolean            godwit_fetch_request_fetches_all_by_pk        (GodwitFetchRequest  *self);

gint64              godwit_store_count_for_fetch_request          (GodwitStore         *store,
                                                                   GodwitFetchRequest  *request,
                                                                   GCancellable        *cancellable,
                                                                   GError             **error);
GPtrArray          *godwit_store_execute_fetch_request            (GodwitStore         *store,
                                                                   GodwitFetchRequest  *request,
                                                                   guint                offset,
                                                                   guint                limit,
                                                                   GCancellable        *cancellable,
                                                                   GError             **error);
gint64              godwit_store_find_position_for_fetch_request  (GodwitStore         *store,
                                                                   GodwitFetchRequest  *request,
                                                                   gint64               pk,
                                                                   GCancellable        *cancellable,
                                                                   GError             **error);

G_END_DECLS
