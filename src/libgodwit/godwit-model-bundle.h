/* godwit-model-bundle.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model.h"

G_BEGIN_DECLS

typedef enum
{
  GODWIT_MODEL_BUNDLE_KIND_XCDATAMODELD,   /* Foo.xcdatamodeld/ with one or more *.xcdatamodel/contents */
  GODWIT_MODEL_BUNDLE_KIND_XCDATAMODEL,    /* a lone Foo.xcdatamodel/ */
  GODWIT_MODEL_BUNDLE_KIND_MOMD,           /* compiled Foo.momd/ with *.mom and VersionInfo.plist */
  GODWIT_MODEL_BUNDLE_KIND_MOM,            /* a lone compiled .mom file */
  GODWIT_MODEL_BUNDLE_KIND_STORE_CACHE,    /* the model cached inside a store */
} GodwitModelBundleKind;

#define GODWIT_TYPE_MODEL_BUNDLE (godwit_model_bundle_get_type ())

G_DECLARE_FINAL_TYPE (GodwitModelBundle, godwit_model_bundle, GODWIT, MODEL_BUNDLE, GObject)

GodwitModelBundle     *godwit_model_bundle_new_for_path                (const char            *path,
                                                                        GError               **error);
GodwitModelBundle     *godwit_model_bundle_new_for_model               (GodwitModel           *model,
                                                                        GodwitModelBundleKind  kind);
GodwitModelBundle     *godwit_model_bundle_find_for_store              (const char            *store_path,
                                                                        GError               **error);
const char            *godwit_model_bundle_get_path                    (GodwitModelBundle     *self);
GodwitModelBundleKind  godwit_model_bundle_get_kind                    (GodwitModelBundle     *self);
const char            *godwit_model_bundle_get_kind_name               (GodwitModelBundle     *self);
guint                  godwit_model_bundle_get_n_versions              (GodwitModelBundle     *self);
GodwitModel           *godwit_model_bundle_get_version                 (GodwitModelBundle     *self,
                                                                        guint                  index);
GodwitModel           *godwit_model_bundle_find_version                (GodwitModelBundle     *self,
                                                                        const char            *name);
GodwitModel           *godwit_model_bundle_get_current_version         (GodwitModelBundle     *self);
GodwitModel           *godwit_model_bundle_find_target_version         (GodwitModelBundle     *self,
                                                                        const char            *name,
                                                                        GError               **error);
gboolean               godwit_model_bundle_set_version_order           (GodwitModelBundle     *self,
                                                                        const char * const    *names,
                                                                        GError               **error);
GHashTable            *godwit_model_bundle_get_declared_version_hashes (GodwitModelBundle     *self,
                                                                        const char            *version_name);

G_END_DECLS
