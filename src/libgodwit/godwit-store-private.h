/* godwit-store-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "godwit-store.h"

G_BEGIN_DECLS

/* The store's connection is shared by its readers under one lock. */
void          _godwit_store_lock                   (GodwitStore   *self,
                                                    GCancellable  *cancellable);
void          _godwit_store_unlock                 (GodwitStore   *self);
sqlite3_stmt *_godwit_store_prepare_locked         (GodwitStore   *self,
                                                    const char    *sql,
                                                    GError       **error);
gboolean      _godwit_store_set_sqlite_error       (GodwitStore   *self,
                                                    int            rc,
                                                    const char    *doing,
                                                    GError       **error);
const char   *_godwit_store_entity_name_for_number (GodwitStore   *self,
                                                    guint          number);
gboolean      _godwit_store_has_table              (GodwitStore   *self,
                                                    const char    *name);

/* For fetch requests: the store locked for @entity_name as its own
 * queries lock it (@out_entity NULL and nothing locked for an entity
 * without rows), and what they read under that lock. */
gboolean      _godwit_store_lock_entity            (GodwitStore              *self,
                                                    const char               *entity_name,
                                                    GCancellable             *cancellable,
                                                    const GodwitStoreEntity **out_entity,
                                                    GError                  **error);
char         *_godwit_store_dup_entity_condition   (GodwitStore              *self,
                                                    const GodwitStoreEntity  *entity,
                                                    gboolean                  include_subentities);
char         *_godwit_store_dup_attribute_column   (GodwitStore              *self,
                                                    const GodwitStoreEntity  *entity,
                                                    const char               *attribute_name,
                                                    GError                  **error);
GPtrArray    *_godwit_store_dup_text_columns       (GodwitStore              *self,
                                                    const GodwitStoreEntity  *entity,
                                                    gboolean                  include_subentities,
                                                    GError                  **error);
GPtrArray    *_godwit_store_fetch_objects_with_pks (GodwitStore              *self,
                                                    const GodwitStoreEntity  *entity,
                                                    const gint64             *pks,
                                                    guint                     n_pks,
                                                    GError                  **error);

G_END_DECLS
