/* godwit-store-writer.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-store-layout.h"

G_BEGIN_DECLS

/* NSPersistenceFrameworkVersion written unless set otherwise: the newest
 * seen in a real store (SwiftData's). */
#define GODWIT_STORE_WRITER_DEFAULT_FRAMEWORK_VERSION 1345

#define GODWIT_TYPE_STORE_WRITER (godwit_store_writer_get_type ())

G_DECLARE_FINAL_TYPE (GodwitStoreWriter, godwit_store_writer, GODWIT, STORE_WRITER, GObject)

GodwitStoreWriter *godwit_store_writer_new                    (GodwitModel         *model,
                                                               const char          *path,
                                                               GError             **error);
void               godwit_store_writer_set_persistent_history (GodwitStoreWriter   *self,
                                                               gboolean             enabled);
void               godwit_store_writer_set_framework_version  (GodwitStoreWriter   *self,
                                                               gint64               version);
void               godwit_store_writer_set_keep_wal           (GodwitStoreWriter   *self,
                                                               gboolean             keep);
void               godwit_store_writer_set_uuid               (GodwitStoreWriter   *self,
                                                               const char          *uuid);
gboolean           godwit_store_writer_set_metadata           (GodwitStoreWriter   *self,
                                                               GBytes              *plist,
                                                               GError             **error);
gboolean           godwit_store_writer_begin                  (GodwitStoreWriter   *self,
                                                               GError             **error);
GodwitStoreLayout *godwit_store_writer_get_layout             (GodwitStoreWriter   *self);
const char        *godwit_store_writer_get_uuid               (GodwitStoreWriter   *self);
gint64             godwit_store_writer_insert                 (GodwitStoreWriter   *self,
                                                               const char          *entity_name,
                                                               const char * const  *attribute_names,
                                                               GVariant * const    *values,
                                                               guint                n_values,
                                                               GError             **error);
gboolean           godwit_store_writer_relate                 (GodwitStoreWriter   *self,
                                                               const char          *entity_name,
                                                               gint64               pk,
                                                               const char          *relationship_name,
                                                               const char          *destination_entity_name,
                                                               gint64               destination_pk,
                                                               GError             **error);
gboolean           godwit_store_writer_commit                 (GodwitStoreWriter   *self,
                                                               GError             **error);

G_END_DECLS
