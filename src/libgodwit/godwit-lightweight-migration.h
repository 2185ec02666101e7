/* godwit-lightweight-migration.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "godwit-model-diff.h"

G_BEGIN_DECLS

typedef void (*GodwitMigrationProgressFunc) (const char *entity,
                                             gint64      done,
                                             gint64      total,
                                             gpointer    user_data);

#define GODWIT_TYPE_LIGHTWEIGHT_MIGRATION (godwit_lightweight_migration_get_type ())

G_DECLARE_FINAL_TYPE (GodwitLightweightMigration, godwit_lightweight_migration, GODWIT, LIGHTWEIGHT_MIGRATION, GObject)

GodwitLightweightMigration *godwit_lightweight_migration_new      (GodwitModel                 *source,
                                                                   GodwitModel                 *destination,
                                                                   GError                     **error);
GodwitModelDiff            *godwit_lightweight_migration_get_diff (GodwitLightweightMigration  *self);
GPtrArray                  *godwit_lightweight_migration_dup_sql  (GodwitLightweightMigration  *self);
gboolean                    godwit_lightweight_migration_run      (GodwitLightweightMigration  *self,
                                                                   sqlite3                     *db,
                                                                   GodwitMigrationProgressFunc  progress,
                                                                   gpointer                     user_data,
                                                                   GCancellable                *cancellable,
                                                                   GError                     **error);

G_END_DECLS
