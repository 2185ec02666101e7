/* godwit-migrations-page.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-chain-view.h"
#include "godwit-document.h"
#include "godwit-stage-preview.h"

G_BEGIN_DECLS

/* Called from the migration's worker thread with each progress report,
 * before the page shows it; @cancellable cancels the migration. */
typedef void (*GodwitMigrationsPageObserver) (const GodwitMigrationProgress *progress,
                                              GCancellable                  *cancellable,
                                              gpointer                       user_data);

#define GODWIT_TYPE_MIGRATIONS_PAGE (godwit_migrations_page_get_type ())

G_DECLARE_FINAL_TYPE (GodwitMigrationsPage, godwit_migrations_page, GODWIT, MIGRATIONS_PAGE, AdwBin)

void                godwit_migrations_page_set_document          (GodwitMigrationsPage         *self,
                                                                  GodwitDocument               *document);
gboolean            godwit_migrations_page_get_busy              (GodwitMigrationsPage         *self);
void                godwit_migrations_page_set_plan_file         (GodwitMigrationsPage         *self,
                                                                  GFile                        *file);
const char         *godwit_migrations_page_get_plan_path         (GodwitMigrationsPage         *self);
GStrv               godwit_migrations_page_dup_mapping_paths     (GodwitMigrationsPage         *self);
void                godwit_migrations_page_set_target_version    (GodwitMigrationsPage         *self,
                                                                  const char                   *name);
const char         *godwit_migrations_page_get_target_version    (GodwitMigrationsPage         *self);
GodwitMigration    *godwit_migrations_page_get_migration         (GodwitMigrationsPage         *self);
const char         *godwit_migrations_page_get_problem           (GodwitMigrationsPage         *self);
const char         *godwit_migrations_page_get_status            (GodwitMigrationsPage         *self);
GodwitChainView    *godwit_migrations_page_get_chain_view        (GodwitMigrationsPage         *self);
GodwitStagePreview *godwit_migrations_page_get_stage_preview     (GodwitMigrationsPage         *self);
GtkListBox         *godwit_migrations_page_get_backup_list       (GodwitMigrationsPage         *self);
AdwToast           *godwit_migrations_page_get_toast             (GodwitMigrationsPage         *self);
void                godwit_migrations_page_set_progress_observer (GodwitMigrationsPage         *self,
                                                                  GodwitMigrationsPageObserver  observer,
                                                                  gpointer                      user_data);

G_END_DECLS
