/* godwit-migration.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-mapping-model.h"
#include "godwit-migration-plan.h"
#include "godwit-model-bundle.h"
#include "godwit-model-diff.h"
#include "godwit-store-backup.h"

G_BEGIN_DECLS

/* How one step between adjacent versions migrates, in the words the
 * version chain shows. */
typedef enum
{
  GODWIT_MIGRATION_STEP_INFERRED,        /* Core Data's lightweight rules, as SQL */
  GODWIT_MIGRATION_STEP_PLAN,            /* a custom stage of the Godwit migration plan */
  GODWIT_MIGRATION_STEP_MAPPING_MODEL,   /* an Xcode mapping model covers it */
  GODWIT_MIGRATION_STEP_NOT_MIGRATABLE,
} GodwitMigrationStepKind;

typedef struct
{
  GodwitMigrationStepKind     kind;
  GodwitModel                *source;          /* (unowned) */
  GodwitModel                *destination;     /* (unowned) */
  GodwitModelDiff            *diff;
  const GodwitMigrationStage *stage;           /* (nullable) the custom stage that runs: the plan's,
                                                * or @mapping_stage */
  GodwitMigrationStage       *mapping_stage;   /* (nullable) (owned) @mapping_model as a stage */
  GodwitMappingModel         *mapping_model;   /* (nullable) */
  GPtrArray                  *blockers;        /* (element-type utf8) why it cannot run; empty when it can */
} GodwitMigrationStep;

typedef struct
{
  guint       step;        /* 1-based; 0 before the first step and after the last */
  guint       n_steps;
  const char *phase;       /* "snapshot"; per step "count" (objects and data impacts, before
                            * and after the step) and "migrate"; "verify", "replace" */
  const char *entity;      /* (nullable) */
  gint64      done;
  gint64      total;
} GodwitMigrationProgress;

typedef void (*GodwitMigrationProgressCallback) (const GodwitMigrationProgress *progress,
                                                 gpointer                       user_data);

#define GODWIT_TYPE_MIGRATION (godwit_migration_get_type ())

G_DECLARE_FINAL_TYPE (GodwitMigration, godwit_migration, GODWIT, MIGRATION, GObject)

GodwitMigration   *godwit_migration_new                 (const char                      *store_path,
                                                         GodwitModelBundle               *bundle,
                                                         GodwitMigrationPlan             *plan,
                                                         GPtrArray                       *mapping_models,
                                                         const char                      *target_version,
                                                         GError                         **error);
GodwitModel       *godwit_migration_get_source_version  (GodwitMigration                 *self);
GodwitModel       *godwit_migration_get_target_version  (GodwitMigration                 *self);
GPtrArray         *godwit_migration_get_steps           (GodwitMigration                 *self);
gboolean           godwit_migration_is_up_to_date       (GodwitMigration                 *self);
gboolean           godwit_migration_can_run             (GodwitMigration                 *self);
GPtrArray         *godwit_migration_dup_step_sql        (GodwitMigration                 *self,
                                                         guint                            index,
                                                         GError                         **error);
void               godwit_migration_set_progress_callback (GodwitMigration               *self,
                                                         GodwitMigrationProgressCallback  callback,
                                                         gpointer                         user_data);
gboolean           godwit_migration_run                 (GodwitMigration                 *self,
                                                         const char                      *backup_dir,
                                                         gboolean                         dry_run,
                                                         GCancellable                    *cancellable,
                                                         GError                         **error);
void               godwit_migration_run_async           (GodwitMigration                 *self,
                                                         const char                      *backup_dir,
                                                         gboolean                         dry_run,
                                                         GCancellable                    *cancellable,
                                                         GAsyncReadyCallback              callback,
                                                         gpointer                         user_data);
gboolean           godwit_migration_run_finish          (GodwitMigration                 *self,
                                                         GAsyncResult                    *result,
                                                         GError                         **error);
gboolean           godwit_migration_verify              (GodwitMigration                 *self,
                                                         const char                      *path,
                                                         GCancellable                    *cancellable,
                                                         GError                         **error);
GodwitStoreBackup *godwit_migration_get_backup          (GodwitMigration                 *self);
GPtrArray         *godwit_migration_get_verification    (GodwitMigration                 *self);
GPtrArray         *godwit_migration_get_stage_reports   (GodwitMigration                 *self);

const char        *godwit_migration_step_kind_to_string (GodwitMigrationStepKind          kind);

G_END_DECLS
