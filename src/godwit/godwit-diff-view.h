/* godwit-diff-view.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-model-diff.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_DIFF_VIEW (godwit_diff_view_get_type ())

G_DECLARE_FINAL_TYPE (GodwitDiffView, godwit_diff_view, GODWIT, DIFF_VIEW, AdwBin)

GtkWidget *godwit_diff_view_new               (void);
void       godwit_diff_view_set_diff          (GodwitDiffView  *self,
                                               GodwitModelDiff *diff);
char      *godwit_diff_view_dup_text          (GodwitDiffView  *self);
char      *godwit_diff_view_dup_renamed_name  (const char      *source,
                                               const char      *destination);
GtkWidget *godwit_diff_view_wrapped_label_new (const char      *text,
                                               const char      *css_class);
GtkWidget *godwit_diff_view_row_new           (GtkWidget       *child);

G_END_DECLS
