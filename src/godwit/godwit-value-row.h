/* godwit-value-row.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GODWIT_TYPE_VALUE_ROW (godwit_value_row_get_type ())

G_DECLARE_FINAL_TYPE (GodwitValueRow, godwit_value_row, GODWIT, VALUE_ROW, GtkListBoxRow)

GtkWidget  *godwit_value_row_new            (const char     *name,
                                             const char     *value);
const char *godwit_value_row_get_name       (GodwitValueRow *self);
const char *godwit_value_row_get_value_text (GodwitValueRow *self);
void        godwit_value_row_set_link       (GodwitValueRow *self,
                                             const char     *tooltip);

G_END_DECLS
