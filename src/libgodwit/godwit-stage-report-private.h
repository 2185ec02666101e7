/* godwit-stage-report-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "godwit-stage-report.h"

G_BEGIN_DECLS

/* How GodwitMigration fills a report: the store files are read through
 * the read-only VFS, or on a connection the migration gives, never
 * written. */
GodwitStageReport *_godwit_stage_report_new              (guint                        number,
                                                          const GodwitMigrationStep   *step);
void               _godwit_stage_report_update_step      (GodwitStageReport           *self,
                                                          const GodwitMigrationStep   *step);
void               _godwit_stage_report_set_sql          (GodwitStageReport           *self,
                                                          GPtrArray                   *sql);
gboolean           _godwit_stage_report_read_before      (GodwitStageReport           *self,
                                                          const char                  *path,
                                                          GCancellable                *cancellable,
                                                          GError                     **error);
gboolean           _godwit_stage_report_count_impacts    (GodwitStageReport           *self,
                                                          const char                  *path,
                                                          const GodwitMigrationStage  *stage,
                                                          GCancellable                *cancellable,
                                                          GError                     **error);
gboolean           _godwit_stage_report_count_impacts_on (GodwitStageReport           *self,
                                                          sqlite3                     *db,
                                                          const char                  *path,
                                                          const GodwitMigrationStage  *stage,
                                                          GCancellable                *cancellable,
                                                          GError                     **error);
gboolean           _godwit_stage_report_read_after       (GodwitStageReport           *self,
                                                          const char                  *path,
                                                          GCancellable                *cancellable,
                                                          GError                     **error);
gboolean           _godwit_stage_report_check_counts     (GodwitStageReport           *self,
                                                          const char                  *store_path,
                                                          guint                       *n_checked,
                                                          GError                     **error);
GPtrArray         *_godwit_stage_report_dup_blocking     (GodwitStageReport           *self);

G_END_DECLS
