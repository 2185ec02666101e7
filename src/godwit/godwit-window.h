/* godwit-window.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-application.h"
#include "godwit-document.h"
#include "godwit-store-view.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_WINDOW (godwit_window_get_type ())

G_DECLARE_FINAL_TYPE (GodwitWindow, godwit_window, GODWIT, WINDOW, AdwApplicationWindow)

GodwitWindow    *godwit_window_new            (GodwitApplication *application);
void             godwit_window_open           (GodwitWindow      *self,
                                               GFile             *store_file,
                                               GFile             *bundle_file);
GodwitDocument  *godwit_window_get_document   (GodwitWindow      *self);
gboolean         godwit_window_get_busy       (GodwitWindow      *self);
GodwitStoreView *godwit_window_get_store_view (GodwitWindow      *self);
const char      *godwit_window_get_subtitle   (GodwitWindow      *self);

void             godwit_window_add_page_toast (GtkWidget         *page,
                                               AdwToast          *toast,
                                               AdwToast         **shown);

G_END_DECLS
