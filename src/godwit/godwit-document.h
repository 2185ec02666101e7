/* godwit-document.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "godwit-model-bundle.h"
#include "godwit-model-choice.h"
#include "godwit-store.h"
#include "godwit-version-match.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_DOCUMENT (godwit_document_get_type ())

G_DECLARE_FINAL_TYPE (GodwitDocument, godwit_document, GODWIT, DOCUMENT, GObject)

void                       godwit_document_load_async             (GFile                *store_file,
                                                                   GFile                *bundle_file,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
GodwitDocument            *godwit_document_load_finish            (GAsyncResult         *result,
                                                                   GError              **error);
void                       godwit_document_close_async            (GodwitDocument       *self,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
gboolean                   godwit_document_close_finish           (GodwitDocument       *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
GFile                     *godwit_document_get_file               (GodwitDocument       *self);
GFile                     *godwit_document_get_chosen_bundle_file (GodwitDocument       *self);
GodwitStore               *godwit_document_get_store              (GodwitDocument       *self);
GodwitModelBundle         *godwit_document_get_bundle             (GodwitDocument       *self);
gboolean                   godwit_document_get_bundle_is_beside   (GodwitDocument       *self);
const char                *godwit_document_get_bundle_problem     (GodwitDocument       *self);
GodwitVersionMatch        *godwit_document_get_bundle_match       (GodwitDocument       *self);
GodwitModel               *godwit_document_get_cached_model       (GodwitDocument       *self);
const char                *godwit_document_get_cached_model_error (GodwitDocument       *self);
GodwitModelChoiceSource    godwit_document_get_model_source       (GodwitDocument       *self);
gint64                     godwit_document_get_object_count       (GodwitDocument       *self,
                                                                   const char           *entity_name);
char                      *godwit_document_dup_model_summary      (GodwitDocument       *self);
char                      *godwit_document_dup_mismatch_text      (GodwitDocument       *self);

G_END_DECLS
