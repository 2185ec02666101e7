/* godwit-sync-page.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-document.h"
#include "godwit-sync.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_SYNC_PAGE (godwit_sync_page_get_type ())

G_DECLARE_FINAL_TYPE (GodwitSyncPage, godwit_sync_page, GODWIT, SYNC_PAGE, AdwBin)

void          godwit_sync_page_set_document  (GodwitSyncPage *self,
                                              GodwitDocument *document);
GSettings    *godwit_sync_page_get_settings  (GodwitSyncPage *self);
const char   *godwit_sync_page_get_view      (GodwitSyncPage *self);
gboolean      godwit_sync_page_get_busy      (GodwitSyncPage *self);
GodwitSync   *godwit_sync_page_get_last_sync (GodwitSyncPage *self);
const GError *godwit_sync_page_get_error     (GodwitSyncPage *self);
AdwToast     *godwit_sync_page_get_toast     (GodwitSyncPage *self);

G_END_DECLS
