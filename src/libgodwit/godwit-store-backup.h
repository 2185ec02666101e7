/* godwit-store-backup.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char      *path;          /* the backup folder */
  char      *store_path;    /* the store it was taken of */
  GDateTime *created;
  char      *description;   /* e.g. "before migrating to “Model 4”" */
  gint64     size;          /* bytes of all its files */
} GodwitStoreBackup;

void       godwit_store_backup_free    (GodwitStoreBackup  *backup);

gboolean   godwit_store_snapshot       (const char         *store_path,
                                        const char         *destination,
                                        GCancellable       *cancellable,
                                        GError            **error);
char      *godwit_store_dup_backup_dir (const char         *store_path);
gboolean   godwit_store_replace        (const char         *store_path,
                                        const char         *replacement,
                                        const char         *backup_dir,
                                        const char         *description,
                                        GodwitStoreBackup **backup_out,
                                        GCancellable       *cancellable,
                                        GError            **error);
gboolean   godwit_store_backup_create  (const char         *store_path,
                                        const char         *backup_dir,
                                        const char         *description,
                                        GodwitStoreBackup **backup_out,
                                        GCancellable       *cancellable,
                                        GError            **error);
GPtrArray *godwit_store_list_backups   (const char         *store_path,
                                        const char         *backup_dir,
                                        GError            **error);
gboolean   godwit_store_rollback       (const char         *store_path,
                                        const char         *backup_path,
                                        const char         *backup_dir,
                                        GCancellable       *cancellable,
                                        GError            **error);
gboolean   godwit_store_prune_backups  (const char         *store_path,
                                        const char         *backup_dir,
                                        guint               keep,
                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitStoreBackup, godwit_store_backup_free)

G_END_DECLS
