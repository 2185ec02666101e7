/* godwit-store-view.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-document.h"
#include "godwit-history-page.h"
#include "godwit-metadata-page.h"
#include "godwit-migrations-page.h"
#include "godwit-model-page.h"
#include "godwit-objects-page.h"
#include "godwit-sync-page.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_STORE_VIEW (godwit_store_view_get_type ())

G_DECLARE_FINAL_TYPE (GodwitStoreView, godwit_store_view, GODWIT, STORE_VIEW, AdwBin)

void                  godwit_store_view_set_document        (GodwitStoreView *self,
                                                             GodwitDocument  *document);
GodwitDocument       *godwit_store_view_get_document        (GodwitStoreView *self);
void                  godwit_store_view_show_page           (GodwitStoreView *self,
                                                             const char      *page_name);
void                  godwit_store_view_show_entity         (GodwitStoreView *self,
                                                             const char      *entity_name);
const char           *godwit_store_view_get_visible_page    (GodwitStoreView *self);
gboolean              godwit_store_view_get_can_go_back     (GodwitStoreView *self);
void                  godwit_store_view_go_back             (GodwitStoreView *self);
GtkListBox           *godwit_store_view_get_sidebar         (GodwitStoreView *self);
GodwitMetadataPage   *godwit_store_view_get_metadata_page   (GodwitStoreView *self);
GodwitObjectsPage    *godwit_store_view_get_objects_page    (GodwitStoreView *self);
GodwitModelPage      *godwit_store_view_get_model_page      (GodwitStoreView *self);
GodwitHistoryPage    *godwit_store_view_get_history_page    (GodwitStoreView *self);
GodwitMigrationsPage *godwit_store_view_get_migrations_page (GodwitStoreView *self);
GodwitSyncPage       *godwit_store_view_get_sync_page       (GodwitStoreView *self);

G_END_DECLS
