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

G_END_DECLS
