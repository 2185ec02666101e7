/* godwit-history-page.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-document.h"

G_BEGIN_DECLS

/* Transactions read at a time. */
#define GODWIT_HISTORY_PAGE_SIZE 100

#define GODWIT_TYPE_HISTORY_PAGE (godwit_history_page_get_type ())

G_DECLARE_FINAL_TYPE (GodwitHistoryPage, godwit_history_page, GODWIT, HISTORY_PAGE, AdwBin)

void                godwit_history_page_set_document      (GodwitHistoryPage *self,
                                                           GodwitDocument    *document);
gboolean            godwit_history_page_get_busy          (GodwitHistoryPage *self);
gint64              godwit_history_page_get_n_transactions (GodwitHistoryPage *self);
guint               godwit_history_page_get_n_loaded      (GodwitHistoryPage *self);
GListModel         *godwit_history_page_get_model         (GodwitHistoryPage *self);
GtkSingleSelection *godwit_history_page_get_selection     (GodwitHistoryPage *self);
gboolean            godwit_history_page_set_author_filter (GodwitHistoryPage *self,
                                                           const char        *author);
gboolean            godwit_history_page_set_entity_filter (GodwitHistoryPage *self,
                                                           const char        *entity);
GtkGrid            *godwit_history_page_get_change_grid   (GodwitHistoryPage *self);
const char         *godwit_history_page_get_error         (GodwitHistoryPage *self);

G_END_DECLS
