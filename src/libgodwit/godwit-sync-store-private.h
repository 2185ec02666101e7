/* godwit-sync-store-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model.h"
#include "godwit-sync-document.h"
#include "godwit-sync-sidecar-private.h"

G_BEGIN_DECLS

/* Objects a scan found changed, or a pull changed in the store. */
typedef struct
{
  gint64 inserted;
  gint64 updated;
  gint64 deleted;
} GodwitSyncCounts;

/* Called now and then while a scan reads an entity's objects, and with
 * no entity once the scan is committed. */
typedef void (*GodwitSyncScanProgressFunc) (const char *entity,
                                            gint64      done,
                                            gint64      total,
                                            gpointer    user_data);

/* A scan of the store for changes, read in steps: see
 * _godwit_sync_store_begin_scan(). */
typedef struct _GodwitSyncScan GodwitSyncScan;

#define GODWIT_TYPE_SYNC_STORE (godwit_sync_store_get_type ())

G_DECLARE_FINAL_TYPE (GodwitSyncStore, godwit_sync_store, GODWIT, SYNC_STORE, GObject)

GodwitSyncStore    *_godwit_sync_store_new              (GodwitSyncSidecar           *sidecar,
                                                         GodwitModel                 *model,
                                                         GError                     **error);
const char         *_godwit_sync_store_get_model_digest (GodwitSyncStore             *self);
GodwitSyncScan     *_godwit_sync_store_begin_scan       (GodwitSyncStore             *self,
                                                         GodwitSyncCounts            *counts,
                                                         GodwitSyncScanProgressFunc   progress,
                                                         gpointer                     user_data,
                                                         GError                     **error);
GodwitSyncDocument *_godwit_sync_store_read             (GodwitSyncStore             *self,
                                                         const GodwitSyncRecord      *record,
                                                         GError                     **error);
gboolean            _godwit_sync_store_apply            (GodwitSyncStore             *self,
                                                         GodwitSyncRecord            *record,
                                                         GodwitSyncDocument          *document,
                                                         GodwitSyncCounts            *counts,
                                                         GError                     **error);
gboolean            _godwit_sync_store_add_local_revision (GodwitSyncStore           *self,
                                                         GodwitSyncRecord            *record,
                                                         GodwitSyncDocument          *document,
                                                         GError                     **error);
gboolean            _godwit_sync_store_record_late_change (GodwitSyncStore           *self,
                                                         const char                  *id,
                                                         GError                     **error);
gboolean            _godwit_sync_store_record_effects   (GodwitSyncStore             *self,
                                                         GError                     **error);
gboolean            _godwit_sync_store_check_integrity  (GodwitSyncStore             *self,
                                                         GError                     **error);

gboolean            _godwit_sync_scan_step              (GodwitSyncScan              *scan,
                                                         guint                        max_rows);
gboolean            _godwit_sync_scan_finish            (GodwitSyncScan              *scan,
                                                         GError                     **error);
void                _godwit_sync_scan_free              (GodwitSyncScan              *scan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitSyncScan, _godwit_sync_scan_free)

G_END_DECLS
