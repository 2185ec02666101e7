/* godwit-stage-preview.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-diff-view.h"
#include "godwit-stage-report.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_STAGE_PREVIEW (godwit_stage_preview_get_type ())

G_DECLARE_FINAL_TYPE (GodwitStagePreview, godwit_stage_preview, GODWIT, STAGE_PREVIEW, AdwBin)

void               godwit_stage_preview_set_stage       (GodwitStagePreview        *self,
                                                         const GodwitMigrationStep *step,
                                                         GodwitStageReport         *report,
                                                         guint                      n_steps);
void               godwit_stage_preview_clear           (GodwitStagePreview        *self);
GodwitStageReport *godwit_stage_preview_get_report      (GodwitStagePreview        *self);
const char        *godwit_stage_preview_get_title       (GodwitStagePreview        *self);
const char        *godwit_stage_preview_get_notice      (GodwitStagePreview        *self);
char              *godwit_stage_preview_dup_sql         (GodwitStagePreview        *self);
GtkGrid           *godwit_stage_preview_get_count_grid  (GodwitStagePreview        *self);
GtkListBox        *godwit_stage_preview_get_impact_list (GodwitStagePreview        *self);
GtkListBox        *godwit_stage_preview_get_sync_list   (GodwitStagePreview        *self);
GodwitDiffView    *godwit_stage_preview_get_diff_view   (GodwitStagePreview        *self);

G_END_DECLS
