/* godwit-sidebar-row.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GODWIT_TYPE_SIDEBAR_ROW (godwit_sidebar_row_get_type ())

G_DECLARE_FINAL_TYPE (GodwitSidebarRow, godwit_sidebar_row, GODWIT, SIDEBAR_ROW, GtkListBoxRow)

GtkWidget  *godwit_sidebar_row_new_for_page   (const char       *page_name,
                                               const char       *title,
                                               const char       *icon_name);
GtkWidget  *godwit_sidebar_row_new_for_entity (const char       *entity_name,
                                               gint64            count);
const char *godwit_sidebar_row_get_page_name  (GodwitSidebarRow *self);
const char *godwit_sidebar_row_get_entity     (GodwitSidebarRow *self);
const char *godwit_sidebar_row_get_title      (GodwitSidebarRow *self);
gint64      godwit_sidebar_row_get_count      (GodwitSidebarRow *self);
void        godwit_sidebar_row_set_warning    (GodwitSidebarRow *self,
                                               const char       *tooltip);

G_END_DECLS
