/* godwit-custom-migration.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "godwit-lightweight-migration.h"
#include "godwit-migration-plan.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_CUSTOM_MIGRATION (godwit_custom_migration_get_type ())

G_DECLARE_FINAL_TYPE (GodwitCustomMigration, godwit_custom_migration, GODWIT, CUSTOM_MIGRATION, GObject)

GodwitCustomMigration *godwit_custom_migration_new                  (GodwitModel                 *source,
                                                                     GodwitModel                 *destination,
                                                                     const GodwitMigrationStage  *stage,
                                                                     GError                     **error);
GPtrArray             *godwit_custom_migration_dup_sql              (GodwitCustomMigration       *self);
gboolean               godwit_custom_migration_run                  (GodwitCustomMigration       *self,
                                                                     const char                  *source_path,
                                                                     const char                  *destination_path,
                                                                     GodwitMigrationProgressFunc  progress,
                                                                     gpointer                     user_data,
                                                                     GCancellable                *cancellable,
                                                                     GError                     **error);
gboolean               godwit_custom_migration_will_migrate         (GodwitCustomMigration       *self,
                                                                     const char                  *path,
                                                                     GCancellable                *cancellable,
                                                                     GError                     **error);
gboolean               godwit_custom_migration_run_in_place         (GodwitCustomMigration       *self,
                                                                     const char                  *path,
                                                                     GodwitMigrationProgressFunc  progress,
                                                                     gpointer                     user_data,
                                                                     GCancellable                *cancellable,
                                                                     GError                     **error);

GodwitProperty        *godwit_custom_migration_find_source_property (GodwitEntity                *source,
                                                                     GodwitProperty              *property);

G_END_DECLS
